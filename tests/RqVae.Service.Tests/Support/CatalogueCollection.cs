namespace RqVae.Service.Tests.Support;

/// <summary>
/// The test classes that share one trained <see cref="CatalogueModelFixture"/>. They run one after another, which also
/// keeps the service processes and load tests from competing for the machine's cores.
/// </summary>
[CollectionDefinition(Name)]
public sealed class CatalogueCollection : ICollectionFixture<CatalogueModelFixture>
{
    public const string Name = "catalogue";
}

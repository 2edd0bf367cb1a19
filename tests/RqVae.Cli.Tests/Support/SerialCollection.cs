namespace RqVae.Cli.Tests.Support;

/// <summary>
/// Tests that compare two training runs bit for bit run alone: nothing else in the process may change
/// torch's thread count or load the cores while they train.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCollection
{
    public const string Name = "serial (bit-exact training comparisons)";
}

using RqVae.Datasets.MovieLens;

namespace RqVae.Datasets.MovieLens.Tests.Support;

/// <summary>
/// Loads MovieLens once per test run. A failure to fetch is kept and rethrown by every test, so the
/// MovieLens tests FAIL with the loader's explanation (never skip or pass) when Debian is unreachable.
/// </summary>
public sealed class MovieLensFixture
{
    private readonly Lazy<MovieLensDataset> dataset = new(() => MovieLensDataset.Load(), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The loaded data set; throws the loader's exception when it could not be obtained.</summary>
    public MovieLensDataset Dataset => dataset.Value;
}

/// <summary>Groups the MovieLens test classes so they share one <see cref="MovieLensFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class MovieLensCollection : ICollectionFixture<MovieLensFixture>
{
    /// <summary>The collection name.</summary>
    public const string Name = "MovieLens";
}

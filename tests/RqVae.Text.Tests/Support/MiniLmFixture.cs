using RqVae.Text;

namespace RqVae.Text.Tests.Support;

/// <summary>
/// Loads the real model once for all test classes: a session costs about a second and 90 MB, and
/// the tests only read from it.
/// </summary>
public sealed class MiniLmFixture : IDisposable
{
    /// <summary>Small batches, so a dozen texts already span several length-sorted batches.</summary>
    public MiniLmEmbedder Batched { get; } = new(new MiniLmEmbedderOptions { BatchSize = 4 });

    /// <summary>One text per model call: no padding at all, the reference for batching.</summary>
    public MiniLmEmbedder Unbatched { get; } = new(new MiniLmEmbedderOptions { BatchSize = 1 });

    public void Dispose()
    {
        Batched.Dispose();
        Unbatched.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class MiniLmCollection : ICollectionFixture<MiniLmFixture>
{
    public const string Name = "MiniLM model";
}

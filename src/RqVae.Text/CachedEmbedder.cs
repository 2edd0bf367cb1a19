namespace RqVae.Text;

/// <summary>
/// An <see cref="ITextEmbedder"/> that answers from an <see cref="EmbeddingCache"/> and runs the inner
/// embedder only on texts it has not seen, storing their vectors for next time.
/// </summary>
/// <remarks>
/// Identical texts in one call are embedded once. Misses are embedded and stored in chunks of
/// <see cref="MissesPerFile"/>, so a cancelled or crashed run keeps the chunks it finished. The inner
/// embedder is not owned: dispose it yourself.
/// </remarks>
public sealed class CachedEmbedder : ITextEmbedder
{
    private readonly ITextEmbedder inner;

    /// <summary>Wraps <paramref name="inner"/> with <paramref name="cache"/>.</summary>
    /// <param name="inner">Computes the misses; its <see cref="ITextEmbedder.ModelId"/> keys the cache.</param>
    /// <param name="cache">Where vectors are looked up and stored.</param>
    /// <param name="missesPerFile">Misses embedded and written per cache file (default 2048, at least 1).</param>
    public CachedEmbedder(ITextEmbedder inner, EmbeddingCache cache, int missesPerFile = 2048)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentOutOfRangeException.ThrowIfLessThan(missesPerFile, 1);
        this.inner = inner;
        Cache = cache;
        MissesPerFile = missesPerFile;
    }

    /// <summary>The cache in use.</summary>
    public EmbeddingCache Cache { get; }

    /// <summary>Misses embedded and written per cache file.</summary>
    public int MissesPerFile { get; }

    /// <inheritdoc/>
    public int Dimension => this.inner.Dimension;

    /// <inheritdoc/>
    public string ModelId => this.inner.ModelId;

    /// <inheritdoc/>
    /// <remarks>Progress counts texts (cache hits first, then embedded texts), up to texts.Count.</remarks>
    public float[] Embed(IReadOnlyList<string> texts, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var dimension = Dimension;
        var modelId = ModelId;
        var embeddings = new float[texts.Count * dimension];

        // Each distinct missing text, with every position it occupies in the input.
        var missPositions = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var done = 0;
        for (var i = 0; i < texts.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var text = texts[i] ?? throw new ArgumentException($"texts[{i}] is null.", nameof(texts));
            if (missPositions.TryGetValue(text, out var positions)) positions.Add(i);
            else if (Cache.TryGet(modelId, text, embeddings.AsSpan(i * dimension, dimension))) done++;
            else missPositions.Add(text, [i]);
        }
        progress?.Report(done);

        var misses = missPositions.Keys.ToArray();
        for (var start = 0; start < misses.Length; start += MissesPerFile)
        {
            var chunk = misses[start..Math.Min(misses.Length, start + MissesPerFile)];
            var before = done;
            var chunkProgress = progress is null ? null : new InlineProgress(n => progress.Report(before + n));
            var vectors = this.inner.Embed(chunk, chunkProgress, cancellationToken);
            if (vectors.Length != chunk.Length * dimension)
                throw new InvalidOperationException($"{modelId} returned {vectors.Length} floats for {chunk.Length} texts of dimension {dimension}.");
            Cache.Add(modelId, dimension, chunk, vectors);

            for (var m = 0; m < chunk.Length; m++)
            {
                var vector = vectors.AsSpan(m * dimension, dimension);
                foreach (var position in missPositions[chunk[m]])
                {
                    vector.CopyTo(embeddings.AsSpan(position * dimension, dimension));
                    done++;
                }
            }
            progress?.Report(done);
        }
        return embeddings;
    }

    /// <summary>Forwards reports synchronously (unlike <see cref="Progress{T}"/>, which posts them).</summary>
    private sealed class InlineProgress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}

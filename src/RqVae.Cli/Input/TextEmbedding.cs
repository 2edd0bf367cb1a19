using RqVae.Text;
using Spectre.Console;

namespace RqVae.Cli.Input;

/// <summary>
/// all-MiniLM-L6-v2 behind the on-disk embedding cache, created on first use (loading the model takes
/// a second) and showing a progress bar while it embeds; an <see cref="ITextEmbedder"/> itself, so the library's
/// item readers embed through it.
/// </summary>
internal sealed class TextEmbedding(CliContext context, string? cacheDirectory, int threads) : ITextEmbedder, IDisposable
{
    private MiniLmEmbedder? model;
    private ITextEmbedder? embedder;

    /// <summary>Length of every vector (384).</summary>
    public int Dimension => MiniLmEmbedder.EmbeddingDimension;

    /// <summary>Identifies the model and its settings (recorded in the model directory).</summary>
    public string ModelId => Embedder.ModelId;

    private ITextEmbedder Embedder
    {
        get
        {
            if (embedder is not null) return embedder;
            Options.ThreadCountLimit.Check("--embed-threads", threads, minimum: 1);
            model = new MiniLmEmbedder(new MiniLmEmbedderOptions { IntraOpThreads = threads });
            embedder = cacheDirectory is null ? model : new CachedEmbedder(model, new EmbeddingCache(cacheDirectory));
            return embedder;
        }
    }

    /// <inheritdoc />
    /// <remarks>Shows a progress bar for large requests; <paramref name="progress"/> is told as well.</remarks>
    public float[] Embed(IReadOnlyList<string> texts, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
        => Embed(texts, $"embedding {texts.Count:N0} texts", progress);

    /// <summary>Embeds <paramref name="texts"/> (row-major [texts.Count, 384]), with a progress bar named <paramref name="label"/>.</summary>
    public float[] Embed(IReadOnlyList<string> texts, string label, IProgress<int>? observer = null)
    {
        var inner = Embedder;
        if (texts.Count < 256) return inner.Embed(texts, observer, context.Cancellation);
        float[] result = [];
        context.Console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(progress =>
            {
                var task = progress.AddTask(Markup.Escape(label), maxValue: texts.Count);
                result = inner.Embed(texts, new InlineProgress(done =>
                {
                    task.Value = done;
                    observer?.Report(done);
                }), context.Cancellation);
                task.Value = texts.Count;
            });
        return result;
    }

    /// <summary>
    /// Frees the text model (its ONNX Runtime session, about 90 MB, and its thread pool) once the features are
    /// read, so training does not carry it; a later <see cref="Embed"/> loads it again.
    /// </summary>
    public void Release()
    {
        model?.Dispose();
        model = null;
        embedder = null;
    }

    public void Dispose() => Release();

    /// <summary>Reports on the caller's thread (unlike <see cref="Progress{T}"/>, which posts to the thread pool).</summary>
    private sealed class InlineProgress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}

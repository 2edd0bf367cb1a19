namespace RqVae.Text;

/// <summary>
/// Turns texts into fixed-size vectors. Implemented by the model itself (RqVae.Text's <c>MiniLmEmbedder</c>)
/// and by decorators such as its <c>CachedEmbedder</c>, so callers need not know which one they hold; it lives in
/// the foundation so that readers of items can embed texts without depending on a text model.
/// </summary>
public interface ITextEmbedder
{
    /// <summary>Length of every embedding vector.</summary>
    int Dimension { get; }

    /// <summary>
    /// Identifies the model and every setting that changes its output (used in cache keys): two
    /// embedders with the same id must give the same vector for the same text.
    /// </summary>
    string ModelId { get; }

    /// <summary>Embeds <paramref name="texts"/>.</summary>
    /// <param name="texts">The texts; none may be null.</param>
    /// <param name="progress">Receives the number of texts finished so far (cumulative), after each unit of work.</param>
    /// <param name="cancellationToken">Stops the work between (and, where the backend allows, within) batches.</param>
    /// <returns>Row-major matrix [texts.Count, <see cref="Dimension"/>]; row i belongs to texts[i].</returns>
    float[] Embed(IReadOnlyList<string> texts, IProgress<int>? progress = null, CancellationToken cancellationToken = default);
}

using RqVae.Data.Features;
using RqVae.Data.IO;
using RqVae.Data.Text;

namespace RqVae.Cli.Input;

/// <summary>
/// A file of items and how to read it: feature vectors (npy, CSV/TSV, Parquet, JSON Lines) or texts
/// that are embedded on the way in. Both paths hand out the same <see cref="FeatureBatch"/>es.
/// </summary>
internal sealed record ItemSource(
    string Path,
    DataFileFormat Format,
    string IdColumn,
    IReadOnlyList<string>? FeatureColumns,
    string FeaturesField,
    string? IdsFile,
    IReadOnlyList<string>? TextColumns)
{
    /// <summary>True when the items are texts to embed.</summary>
    public bool IsText => TextColumns is not null;

    /// <summary>One line for people: what is read from where.</summary>
    public string Describe(TextEmbedding? embedding) => IsText
        ? $"texts of column(s) {string.Join(", ", TextColumns!)} in {Path}, embedded with {embedding?.ModelId ?? "all-MiniLM-L6-v2"}"
        : $"feature vectors in {Path}";

    /// <summary>
    /// Streams the items in batches of about <paramref name="batchSize"/> rows; memory is bounded by the batch. Ids are
    /// checked for repeats on disk, so a repeat is reported only after the last batch (an atomic output is then not written);
    /// a batch of feature vectors is valid until the next is requested (its arrays are reused).
    /// </summary>
    public IEnumerable<FeatureBatch> ReadBatches(int batchSize, TextEmbedding embedding, CancellationToken cancellationToken)
    {
        if (!IsText)
        {
            foreach (var batch in FeatureReader.ReadBatches(Path, FeatureOptions(batchSize) with { CheckIdsOnDisk = true, ReuseBatchBuffers = true }))
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return batch;
            }
            yield break;
        }
        var ids = new List<string>(batchSize);
        var texts = new List<string>(batchSize);
        long firstRow = 0;
        foreach (var item in ItemTextReader.Read(Path, TextOptions() with { CheckIdsOnDisk = true }))
        {
            ids.Add(item.Id);
            texts.Add(item.Text);
            if (ids.Count < batchSize) continue;
            yield return EmbedBatch(ids, texts, firstRow, embedding);
            firstRow += ids.Count;
            ids.Clear();
            texts.Clear();
        }
        if (ids.Count > 0) yield return EmbedBatch(ids, texts, firstRow, embedding);
    }

    /// <summary>Reads every item into memory (training needs them all at once).</summary>
    public FeatureMatrix LoadAll(TextEmbedding embedding)
    {
        if (!IsText) return FeatureReader.Load(Path, FeatureOptions(4096));
        var items = ItemTextReader.ReadAll(Path, TextOptions());
        var vectors = embedding.Embed([.. items.Select(i => i.Text)], $"embedding {items.Count:N0} texts");
        return new FeatureMatrix([.. items.Select(i => i.Id)], vectors, embedding.Dimension);
    }

    private static FeatureBatch EmbedBatch(List<string> ids, List<string> texts, long firstRow, TextEmbedding embedding)
        => new(new FeatureMatrix([.. ids], embedding.Embed([.. texts], $"embedding rows {firstRow + 1:N0}–{firstRow + ids.Count:N0}"), embedding.Dimension), firstRow);

    private FeatureReaderOptions FeatureOptions(int batchSize) => new()
    {
        Format = Format,
        IdColumn = IdColumn,
        FeatureColumns = FeatureColumns,
        FeaturesField = FeaturesField,
        IdsPath = IdsFile ?? DefaultIdsFile(),
        BatchSize = batchSize,
    };

    private ItemTextReaderOptions TextOptions() => new()
    {
        Format = Format,
        IdColumn = IdColumn,
        TextColumns = TextColumns!,
    };

    /// <summary>The ids sidecar <c>rqvae embed</c> writes beside a .npy (<c>name.ids.txt</c>), when it exists.</summary>
    private string? DefaultIdsFile()
    {
        if (DataFileFormats.Resolve(Path, Format) != DataFileFormat.Npy) return null;
        var sidecar = IdsSidecarPath(Path);
        return File.Exists(sidecar) ? sidecar : null;
    }

    /// <summary>Where the ids of a .npy file live: <c>vectors.npy</c> → <c>vectors.ids.txt</c>.</summary>
    public static string IdsSidecarPath(string npyPath) => System.IO.Path.ChangeExtension(npyPath, ".ids.txt");
}

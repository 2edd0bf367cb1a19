using RqVae.Data.Features;
using RqVae.Data.IO;
using RqVae.Data.Npy;
using RqVae.Data.Text;
using RqVae.Text;

namespace RqVae.Data.Items;

/// <summary>
/// A file of items and how to read it: feature vectors (npy, CSV/TSV, Parquet, JSON Lines) or texts that are
/// embedded on the way in by the <see cref="ITextEmbedder"/> the caller gives. Both paths hand out the same
/// <see cref="FeatureBatch"/>es, so training and encoding do not care which the file holds.
/// </summary>
/// <param name="Path">The items file.</param>
/// <param name="Format">Its format; <see cref="DataFileFormat.Auto"/> takes it from the extension.</param>
/// <param name="IdColumn">The column or field holding item ids.</param>
/// <param name="FeatureColumns">Numeric columns to read (null: every column but the id).</param>
/// <param name="FeaturesField">The list field of Parquet/JSON Lines feature vectors.</param>
/// <param name="IdsFile">A file of ids for a .npy (null: <see cref="NpyIdsSidecar.PathFor"/> when it exists, else row numbers).</param>
/// <param name="TextColumns">The columns whose text is embedded; null when the file holds feature vectors.</param>
public sealed record ItemSource(
    string Path,
    DataFileFormat Format = DataFileFormat.Auto,
    string IdColumn = "id",
    IReadOnlyList<string>? FeatureColumns = null,
    string FeaturesField = "features",
    string? IdsFile = null,
    IReadOnlyList<string>? TextColumns = null)
{
    /// <summary>True when the items are texts to embed.</summary>
    public bool IsText => TextColumns is not null;

    /// <summary>One line for people: what is read from where.</summary>
    public string Describe(ITextEmbedder? embedder) => IsText
        ? $"texts of column(s) {string.Join(", ", TextColumns!)} in {Path}, embedded with {embedder?.ModelId ?? "a text model"}"
        : $"feature vectors in {Path}";

    /// <summary>
    /// Streams the items in batches of about <paramref name="batchSize"/> rows; memory is bounded by the batch. Ids are
    /// checked for repeats on disk, so a repeat is reported only after the last batch (an atomic output is then not written);
    /// a batch of feature vectors is valid until the next is requested (its arrays are reused).
    /// </summary>
    /// <param name="batchSize">Rows per batch.</param>
    /// <param name="embedder">Embeds the texts of a text source; unused (and may be null) for feature vectors.</param>
    /// <param name="cancellationToken">Checked between batches.</param>
    /// <param name="shard">Read only this shard's items (the others are skipped unread beyond their id, and texts outside it are not embedded);
    /// each batch then lists the file rows it holds (<see cref="FeatureBatch.SourceRows"/>). Null: every item.</param>
    public IEnumerable<FeatureBatch> ReadBatches(int batchSize, ITextEmbedder? embedder, CancellationToken cancellationToken = default, ItemShard? shard = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        shard?.Validate();
        return IsText ? ReadTextBatches(batchSize, Require(embedder), shard, cancellationToken) : ReadFeatureBatches(batchSize, shard, cancellationToken);
    }

    /// <summary>Rows × values per row as a feature file's header states them (.npy), before anything is loaded; null otherwise.</summary>
    public (long Rows, int Dimension)? HeaderShape() => IsText ? null : FeatureReader.HeaderShape(Path, FeatureOptions(4096));

    /// <summary>Reads every item into memory (training needs them all at once).</summary>
    public FeatureMatrix LoadAll(ITextEmbedder? embedder, CancellationToken cancellationToken = default)
    {
        if (!IsText) return FeatureReader.Load(Path, FeatureOptions(4096));
        var items = ItemTextReader.ReadAll(Path, TextOptions());
        var model = Require(embedder);
        var vectors = model.Embed([.. items.Select(i => i.Text)], null, cancellationToken);
        return new FeatureMatrix([.. items.Select(i => i.Id)], vectors, model.Dimension);
    }

    private IEnumerable<FeatureBatch> ReadFeatureBatches(int batchSize, ItemShard? shard, CancellationToken cancellationToken)
    {
        foreach (var batch in FeatureReader.ReadBatches(Path, FeatureOptions(batchSize) with { CheckIdsOnDisk = true, ReuseBatchBuffers = true, Shard = shard }))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return batch;
        }
    }

    private IEnumerable<FeatureBatch> ReadTextBatches(int batchSize, ITextEmbedder embedder, ItemShard? shard, CancellationToken cancellationToken)
    {
        var ids = new List<string>(batchSize);
        var texts = new List<string>(batchSize);
        var rows = new List<long>(batchSize);
        long row = 0;
        foreach (var item in ItemTextReader.Read(Path, TextOptions() with { CheckIdsOnDisk = true }))
        {
            var sourceRow = row++;
            if (shard is not null && !shard.Contains(item.Id)) continue;
            ids.Add(item.Id);
            texts.Add(item.Text);
            rows.Add(sourceRow);
            if (ids.Count < batchSize) continue;
            yield return EmbedBatch(ids, texts, rows, shard is not null, embedder, cancellationToken);
            ids.Clear();
            texts.Clear();
            rows.Clear();
        }
        if (ids.Count > 0) yield return EmbedBatch(ids, texts, rows, shard is not null, embedder, cancellationToken);
    }

    private static FeatureBatch EmbedBatch(List<string> ids, List<string> texts, List<long> rows, bool sharded, ITextEmbedder embedder, CancellationToken cancellationToken)
        => new(new FeatureMatrix([.. ids], embedder.Embed([.. texts], null, cancellationToken), embedder.Dimension), rows[0]) { SourceRows = sharded ? [.. rows] : null };

    private ITextEmbedder Require(ITextEmbedder? embedder)
        => embedder ?? throw new ArgumentNullException(nameof(embedder), $"'{Path}' holds texts (columns {string.Join(", ", TextColumns!)}); reading it needs a text embedder.");

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

    // The ids file `embed` writes beside a .npy, when it exists.
    private string? DefaultIdsFile()
    {
        if (DataFileFormats.Resolve(Path, Format) != DataFileFormat.Npy) return null;
        var sidecar = NpyIdsSidecar.PathFor(Path);
        return File.Exists(sidecar) ? sidecar : null;
    }
}

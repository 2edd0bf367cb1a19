using System.CommandLine;
using System.CommandLine.Parsing;
using RqVae.Cli.Input;
using RqVae.Data.Items;
using RqVae.Text;

namespace RqVae.Cli.Options;

/// <summary>
/// How a command reads its items: the format (by extension unless overridden), the id column, and
/// either feature columns (numbers) or text columns (embedded with all-MiniLM-L6-v2, cached on disk).
/// </summary>
internal sealed class InputOptionSet
{
    public Option<RqVae.Data.IO.DataFileFormat> Format { get; } = FormatOption.Create("--format",
        "Format of the items file.", "npy", "csv", "tsv", "parquet", "jsonl");

    public Option<string> IdColumn { get; } = new("--id-column")
    {
        Description = "Column (CSV/TSV/Parquet) or field (JSON Lines) holding the item id.",
        DefaultValueFactory = _ => "id",
    };

    public Option<string[]> FeatureColumns { get; } = new("--feature-columns")
    {
        Description = "Feature columns, comma-separated, in order. Default: every column except the id (Parquet: the list column named by --features-field when present).",
        AllowMultipleArgumentsPerToken = true,
        CustomParser = SplitCommas,
    };

    public Option<string> FeaturesField { get; } = new("--features-field")
    {
        Description = "JSON Lines field / Parquet list column holding the vector.",
        DefaultValueFactory = _ => "features",
    };

    public Option<string?> IdsFile { get; } = new("--ids-file")
    {
        Description = "For .npy input: a text file with one id per row. Default: <name>.ids.txt beside the .npy when it exists (as `rqvae embed` writes it), else the row numbers 0, 1, 2, …",
    };

    public Option<string[]> TextColumns { get; } = new("--text-column")
    {
        Description = "Read text instead of numbers: the text column(s)/field(s), comma-separated, joined with '. '. The texts are embedded with all-MiniLM-L6-v2 (384-d), cached by content.",
        AllowMultipleArgumentsPerToken = true,
        CustomParser = SplitCommas,
    };

    public Option<string?> EmbeddingCache { get; } = new("--embedding-cache")
    {
        Description = $"Folder of the embedding cache. Default: {RqVae.Text.EmbeddingCache.DefaultDirectory} ($RQVAE_CACHE_DIR/embeddings when set).",
    };

    public Option<bool> NoEmbeddingCache { get; } = new("--no-embedding-cache")
    {
        Description = "Embed every text again instead of reading and writing the cache.",
    };

    public Option<int> EmbedThreads { get; } = new("--embed-threads")
    {
        Description = "Threads ONNX Runtime uses to embed texts.",
        DefaultValueFactory = _ => Environment.ProcessorCount,
    };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Format, IdColumn, FeatureColumns, FeaturesField, IdsFile, TextColumns, EmbeddingCache, NoEmbeddingCache, EmbedThreads })
            command.Options.Add(option);
    }

    /// <summary>Describes how to read <paramref name="path"/> with the options the user gave.</summary>
    public ItemSource Source(ParseResult parse, string path)
    {
        var texts = parse.GetValue(TextColumns);
        var features = parse.GetValue(FeatureColumns);
        if (texts is { Length: > 0 } && features is { Length: > 0 })
            throw new CliException("--text-column and --feature-columns exclude each other: the items are either texts to embed or numbers.", ExitCodes.Usage);
        return new ItemSource(path, parse.GetValue(Format), parse.GetValue(IdColumn)!, features is { Length: > 0 } ? features : null,
            parse.GetValue(FeaturesField)!, parse.GetValue(IdsFile), texts is { Length: > 0 } ? texts : null);
    }

    /// <summary>The text embedder the options describe (created only when texts must be embedded).</summary>
    public TextEmbedding Embedding(ParseResult parse, CliContext context)
        => new(context, parse.GetValue(NoEmbeddingCache) ? null : parse.GetValue(EmbeddingCache) ?? RqVae.Text.EmbeddingCache.DefaultDirectory,
            parse.GetValue(EmbedThreads));

    internal static string[] SplitCommas(ArgumentResult result)
        => [.. result.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))];
}

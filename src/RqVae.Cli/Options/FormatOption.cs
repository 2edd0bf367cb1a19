using System.CommandLine;
using System.CommandLine.Parsing;
using RqVae.Data.IO;

namespace RqVae.Cli.Options;

/// <summary>A <c>--format</c>-style option that accepts the short names people type (csv, tsv, parquet, jsonl, npy).</summary>
internal static class FormatOption
{
    public static Option<DataFileFormat> Create(string name, string description, params string[] allowed)
        => new(name)
        {
            Description = $"{description} One of: auto, {string.Join(", ", allowed)}. Default: auto (from the file extension).",
            HelpName = "format",
            DefaultValueFactory = _ => DataFileFormat.Auto,
            CustomParser = result => Parse(result, allowed),
        };

    private static DataFileFormat Parse(ArgumentResult result, string[] allowed)
    {
        var text = result.Tokens.Count == 0 ? "auto" : result.Tokens[0].Value.Trim().ToLowerInvariant();
        DataFileFormat? format = text switch
        {
            "auto" => DataFileFormat.Auto,
            "npy" when allowed.Contains("npy") => DataFileFormat.Npy,
            "csv" => DataFileFormat.Csv,
            "tsv" or "tab" => DataFileFormat.Tsv,
            "parquet" or "pq" => DataFileFormat.Parquet,
            "jsonl" or "ndjson" or "jsonlines" => DataFileFormat.JsonLines,
            _ => null,
        };
        if (format is null)
        {
            result.AddError($"'{text}' is not a format here; use one of: auto, {string.Join(", ", allowed)}.");
            return DataFileFormat.Auto;
        }
        return format.Value;
    }
}

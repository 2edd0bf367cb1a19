using System.Globalization;
using System.Text.Json;
using RqVae.Data.Errors;
using RqVae.Data.IO;

namespace RqVae.Data.Features;

/// <summary>Streams JSON Lines feature rows: <c>{"id": ..., "features": [numbers]}</c> (field names configurable).</summary>
internal static class JsonLinesFeatureReader
{
    public static IEnumerable<FeatureBatch> Read(string path, FeatureReaderOptions options)
    {
        using var builder = new FeatureBatchBuilder(path, options);
        var values = new List<float>();
        foreach (var (line, root) in JsonLines.Read(path, options.MaxJsonDepth, options.MaxJsonLineBytes))
        {
            var id = JsonLines.RequiredId(root, options.IdColumn, path, line, ReaderSetting.IdColumn);
            ReadVector(root, options, path, line, values);
            builder.Add(id, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(values), line,
                i => $"{options.FeaturesField}[{i.ToString(CultureInfo.InvariantCulture)}]");
            if (builder.IsFull) yield return builder.Flush()!;
        }
        if (builder.FlushLast() is { } last) yield return last;
    }

    private static void ReadVector(JsonElement root, FeatureReaderOptions options, string path, long line, List<float> values)
    {
        values.Clear();
        var array = JsonLines.Required(root, options.FeaturesField, JsonValueKind.Array, path, line, ReaderSetting.FeaturesField);
        var index = 0;
        foreach (var element in array.EnumerateArray())
        {
            var column = $"{options.FeaturesField}[{index.ToString(CultureInfo.InvariantCulture)}]";
            if (element.ValueKind != JsonValueKind.Number || !element.TryGetDouble(out var number))
                throw new DataFormatException($"element is a {element.ValueKind}, not a number", path, line, column,
                    remedy: "Vectors must be arrays of numbers (JSON has no NaN or Infinity).");
            if (++index > options.MaxDimension)
                throw new DataFormatException($"the vector is longer than MaxDimension {options.MaxDimension}", path, line, options.FeaturesField);
            values.Add((float)number); // beyond float32 range becomes ±Inf, which the builder rejects with this row/column
        }
    }
}

using System.Text.Json;
using System.Text.Json.Serialization;

namespace RqVae.Data.IdTables;

/// <summary>The sidecar <c>&lt;table&gt;.meta.json</c> written beside an id table when a model hash is given.</summary>
/// <param name="Format">The table's format.</param>
/// <param name="Levels">Codes per item.</param>
/// <param name="Rows">Number of items.</param>
/// <param name="ModelHash">Identifies the model that produced the codes.</param>
public sealed record IdTableMetadata(
    [property: JsonPropertyName("format")] string Format,
    [property: JsonPropertyName("levels")] int Levels,
    [property: JsonPropertyName("rows")] long Rows,
    [property: JsonPropertyName("model_hash")] string? ModelHash)
{
    internal static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, MaxDepth = 8 };

    /// <summary>The sidecar path for a table at <paramref name="tablePath"/>.</summary>
    public static string SidecarPath(string tablePath) => tablePath + ".meta.json";
}

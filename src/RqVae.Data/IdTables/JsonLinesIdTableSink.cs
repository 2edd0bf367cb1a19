using System.Text.Json;

namespace RqVae.Data.IdTables;

/// <summary>Writes an id table as JSON Lines: <c>{"item_id": "...", "c0": 1, "c1": 2, ...}</c> per line.</summary>
internal sealed class JsonLinesIdTableSink(Stream stream, int levels) : IIdTableSink
{
    private static readonly byte[] NewLine = "\n"u8.ToArray();
    private readonly string[] columns = IdTableColumns.All(levels);

    public void Write(IReadOnlyList<string> ids, ReadOnlySpan<int> codes)
    {
        for (var r = 0; r < ids.Count; r++)
        {
            using (var json = new Utf8JsonWriter(stream))
            {
                json.WriteStartObject();
                json.WriteString(columns[0], ids[r]);
                for (var l = 0; l < levels; l++) json.WriteNumber(columns[l + 1], codes[r * levels + l]);
                json.WriteEndObject();
            }
            stream.Write(NewLine);
        }
    }

    public void Finish() => stream.Flush();

    public void Dispose() { }
}

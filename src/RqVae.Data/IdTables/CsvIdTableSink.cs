using System.Globalization;
using nietras.SeparatedValues;
using RqVae.Data.IO;

namespace RqVae.Data.IdTables;

/// <summary>Writes an id table as CSV/TSV through Sep (which quotes ids containing separators or quotes).</summary>
internal sealed class CsvIdTableSink : IIdTableSink
{
    private readonly StreamWriter text;
    private readonly SepWriter writer;
    private readonly string[] columns;
    private readonly char separator;
    private bool wroteRows;

    public CsvIdTableSink(Stream stream, int levels, DataFileFormat format)
    {
        separator = format == DataFileFormat.Tsv ? '\t' : ',';
        text = new StreamWriter(stream, StrictUtf8.Encoding, 1 << 16, leaveOpen: true);
        writer = Sep.Writer(o => o with
        {
            Sep = new Sep(separator),
            CultureInfo = CultureInfo.InvariantCulture,
            Escape = true,
        }).To(text, leaveOpen: true);
        columns = IdTableColumns.All(levels);
    }

    public void Write(IReadOnlyList<string> ids, ReadOnlySpan<int> codes)
    {
        var levels = columns.Length - 1;
        wroteRows |= ids.Count > 0;
        for (var r = 0; r < ids.Count; r++)
        {
            using var row = writer.NewRow();
            row[columns[0]].Set(ids[r]);
            for (var l = 0; l < levels; l++) row[columns[l + 1]].Format(codes[r * levels + l]);
        }
    }

    public void Finish()
    {
        writer.Flush();
        if (!wroteRows) text.Write(string.Join(separator, columns) + "\n"); // Sep writes the header with the first row only
        text.Flush();
    }

    public void Dispose()
    {
        writer.Dispose();
        text.Dispose();
    }
}

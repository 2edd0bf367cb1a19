using System.Globalization;
using nietras.SeparatedValues;
using RqVae.Data.IO;

namespace RqVae.Data.IdTables;

/// <summary>Writes an id table as CSV/TSV through Sep (which quotes ids containing separators or quotes).</summary>
internal sealed class CsvIdTableSink : IIdTableSink
{
    private readonly StreamWriter _text;
    private readonly SepWriter _writer;
    private readonly string[] _columns;
    private readonly char _separator;
    private bool _wroteRows;

    public CsvIdTableSink(Stream stream, int levels, DataFileFormat format)
    {
        _separator = format == DataFileFormat.Tsv ? '\t' : ',';
        _text = new StreamWriter(stream, StrictUtf8.Encoding, 1 << 16, leaveOpen: true);
        _writer = Sep.Writer(o => o with
        {
            Sep = new Sep(_separator),
            CultureInfo = CultureInfo.InvariantCulture,
            Escape = true,
        }).To(_text, leaveOpen: true);
        _columns = IdTableColumns.All(levels);
    }

    public void Write(IReadOnlyList<string> ids, ReadOnlySpan<int> codes)
    {
        var levels = _columns.Length - 1;
        _wroteRows |= ids.Count > 0;
        for (var r = 0; r < ids.Count; r++)
        {
            using var row = _writer.NewRow();
            row[_columns[0]].Set(ids[r]);
            for (var l = 0; l < levels; l++) row[_columns[l + 1]].Format(codes[r * levels + l]);
        }
    }

    public void Finish()
    {
        _writer.Flush();
        if (!_wroteRows) _text.Write(string.Join(_separator, _columns) + "\n"); // Sep writes the header with the first row only
        _text.Flush();
    }

    public void Dispose()
    {
        _writer.Dispose();
        _text.Dispose();
    }
}

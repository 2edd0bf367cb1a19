using System.Text;
using RqVae.Data.Errors;
using RqVae.Data.IO;

namespace RqVae.Data.Npy;

/// <summary>
/// The ids of a .npy file's rows, one UTF-8 line per row, read alongside the array a line at a time so that
/// memory does not grow with the number of rows (reading them whole cost some 50–80 bytes per row).
/// </summary>
internal sealed class NpyIdsFile : IDisposable
{
    private readonly string path;
    private readonly long expectedRows;
    private readonly StreamReader reader;
    private long read;

    /// <summary>Opens <paramref name="idsPath"/>, which must hold <paramref name="expectedRows"/> ids.</summary>
    public NpyIdsFile(string idsPath, long expectedRows)
    {
        InputFile.Check(idsPath, "Ids file");
        var fileLength = new FileInfo(idsPath).Length;
        if (expectedRows > fileLength + 1)
            throw new DataFormatException($"the ids file is {fileLength} bytes, too short for {expectedRows} ids", idsPath);
        path = idsPath;
        this.expectedRows = expectedRows;
        reader = StrictUtf8.OpenReader(idsPath);
    }

    /// <summary>The id of the next row.</summary>
    public string Next()
    {
        var line = ReadLine();
        if (line is null) throw CountMismatch(read.ToString(System.Globalization.CultureInfo.InvariantCulture));
        read++;
        if (line.Length == 0) throw new DataFormatException("the id is empty", path, read);
        return line;
    }

    /// <summary>Throws when lines other than blank ones follow the last row's id.</summary>
    public void CheckEnd()
    {
        while (ReadLine() is { } line)
            if (line.Length > 0) throw CountMismatch("more than " + expectedRows);
    }

    public void Dispose() => reader.Dispose();

    private string? ReadLine()
    {
        try
        {
            return reader.ReadLine();
        }
        catch (DecoderFallbackException e)
        {
            throw StrictUtf8.InvalidUtf8InFile(path, separator: null, read + 1, e);
        }
    }

    private DataFormatException CountMismatch(string count)
        => new($"the ids file has {count} ids but the array has {expectedRows} rows", path, remedy: "Write one id per line, one line per array row.");
}

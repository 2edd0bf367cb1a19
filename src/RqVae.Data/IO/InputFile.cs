using RqVae.Data.Errors;

using RqVae.IO;

namespace RqVae.Data.IO;

/// <summary>
/// The one check every reader makes before it opens an input (features, texts, ids, ID tables): the path
/// must name an existing regular file. A folder gets its own message rather than "does not exist", and a
/// FIFO, device or socket is refused before it is opened: opening a FIFO would block until something
/// writes to it, and a device like /dev/zero never ends.
/// </summary>
internal static class InputFile
{
    /// <summary>Throws unless <paramref name="path"/> names an existing regular file.</summary>
    /// <param name="path">The input.</param>
    /// <param name="what">What the file is, capitalised, for messages ("Feature file").</param>
    /// <exception cref="FileNotFoundException">Nothing exists at <paramref name="path"/>.</exception>
    /// <exception cref="DataFormatException">The path is a directory, a FIFO, a device or a socket.</exception>
    public static void Check(string path, string what = "Input file")
    {
        if (Directory.Exists(path))
            throw new DataFormatException("the path is a directory; a file is expected", path,
                remedy: $"Pass the {what.ToLowerInvariant()} itself, not the folder that holds it.");
        if (!File.Exists(path)) throw new FileNotFoundException($"{what} '{path}' does not exist.", path);
        if (FileKind.DescribeIfNotRegular(path) is { } kind)
            throw new DataFormatException($"the path is a {kind}, not a regular file", path,
                remedy: "Save the data to a regular file first and pass that (the readers check and size their input before reading it).");
    }

    /// <summary>Checks <paramref name="path"/> with <see cref="Check"/>, then opens it for reading.</summary>
    public static FileStream OpenRead(string path, int bufferSize, string what = "Input file")
    {
        Check(path, what);
        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize);
    }
}

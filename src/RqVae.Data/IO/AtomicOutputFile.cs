using RqVae.IO;

namespace RqVae.Data.IO;

/// <summary>
/// A streamed, atomic output: data goes to a hidden temporary file beside the destination (named by
/// <see cref="AtomicFile.TempPathFor"/>), and only <see cref="Commit"/> flushes it to disk and renames
/// it over the destination. Disposing without committing deletes the temporary file, so a failed or
/// abandoned write never leaves a half-written destination. Used instead of
/// <see cref="AtomicFile.Write"/> where the writer must stay open across many batches.
/// </summary>
internal sealed class AtomicOutputFile : IDisposable
{
    private readonly string tempPath;
    private bool committed;

    public AtomicOutputFile(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        tempPath = AtomicFile.TempPathFor(Path);
        Stream = new FileStream(tempPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16);
    }

    /// <summary>The destination.</summary>
    public string Path { get; }

    /// <summary>The temporary file's stream (readable and seekable, so headers can be patched at the end).</summary>
    public FileStream Stream { get; }

    /// <summary>Flushes to disk and renames the temporary file over the destination.</summary>
    public void Commit()
    {
        ObjectDisposedException.ThrowIf(committed, this);
        Stream.Flush(flushToDisk: true);
        Stream.Dispose();
        File.Move(tempPath, Path, overwrite: true);
        committed = true;
    }

    public void Dispose()
    {
        if (committed) return;
        Stream.Dispose();
        try { File.Delete(tempPath); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace RqVae.IO;

/// <summary>
/// An exclusive claim on an output (a file or a folder) for as long as a command writes it: a hidden lock
/// file <c>.NAME.lock</c> beside the output, held open with <see cref="FileShare.None"/> and holding the
/// holder's process id. On Linux and macOS .NET turns <see cref="FileShare.None"/> into an advisory
/// <c>flock(LOCK_EX)</c>, which another process's <see cref="FileShare.None"/> open is refused by and which
/// the kernel drops when the holder dies, however it dies: a lock file left by a killed process is stale
/// and is simply taken over. The lock file is removed on <see cref="Dispose"/>.
/// </summary>
public sealed class OutputLock : IDisposable
{
    private readonly FileStream stream;

    private OutputLock(string outputPath, string lockPath, FileStream stream)
    {
        OutputPath = outputPath;
        LockPath = lockPath;
        this.stream = stream;
    }

    /// <summary>The output this lock guards (full path).</summary>
    public string OutputPath { get; }

    /// <summary>The lock file beside it.</summary>
    public string LockPath { get; }

    /// <summary>The lock file that guards <paramref name="outputPath"/>: <c>.NAME.lock</c> in the same folder.</summary>
    public static string LockPathFor(string outputPath)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(outputPath));
        var name = Path.GetFileName(full);
        var folder = Path.GetDirectoryName(full);
        if (string.IsNullOrEmpty(name) || folder is null)
            throw new ArgumentException($"'{outputPath}' has no parent folder to hold its lock file.", nameof(outputPath));
        return Path.Combine(folder, $".{name}.lock");
    }

    /// <summary>Takes the lock on <paramref name="outputPath"/>, or reports who holds it.</summary>
    /// <param name="outputPath">The output to claim; its parent folder is created if missing.</param>
    /// <param name="outputLock">The lock, to dispose once the output is complete (or abandoned).</param>
    /// <param name="holderProcessId">When refused: the process id the lock file names, or null when it cannot be read.</param>
    /// <returns>False when a live process holds the lock.</returns>
    /// <exception cref="IOException">The lock file cannot be created or opened (read-only or full file system, …).</exception>
    public static bool TryAcquire(string outputPath, out OutputLock? outputLock, out int? holderProcessId)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(outputPath));
        var lockPath = LockPathFor(full);
        Directory.CreateDirectory(Path.GetDirectoryName(lockPath)!);
        var pid = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        // A holder removes the lock file before it lets go, so an open that raced with that removal can win a
        // lock on a file that no longer has the name; such a win is detected below and the open is retried.
        IOException? failure = null;
        for (var attempt = 0; attempt < 10; attempt++)
        {
            FileStream stream;
            try
            {
                stream = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
            }
            catch (IOException) when (File.Exists(lockPath))
            {
                // Held by a live process (the kernel drops the lock of a dead one).
                outputLock = null;
                holderProcessId = ReadHolder(lockPath);
                return false;
            }
            catch (IOException e)
            {
                // The holder removed it between the open and the check (try again), or it cannot be created at all.
                failure = e;
                continue;
            }
            try
            {
                stream.SetLength(0);
                stream.Write(Encoding.ASCII.GetBytes(pid + "\n"));
                stream.Flush(flushToDisk: false);
                if (ReadHolder(lockPath) == Environment.ProcessId || !CanReadUnlocked)
                {
                    outputLock = new OutputLock(full, lockPath, stream);
                    holderProcessId = null;
                    return true;
                }
            }
            catch
            {
                stream.Dispose();
                throw;
            }
            stream.Dispose();
        }
        throw new IOException(failure is null
            ? $"could not take the lock file '{lockPath}': it kept being replaced by other processes."
            : $"could not create or lock the lock file '{lockPath}': {failure.Message}", failure);
    }

    /// <summary>Removes the lock file, then lets go of the lock.</summary>
    public void Dispose()
    {
        try { File.Delete(LockPath); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        stream.Dispose();
    }

    /// <summary>
    /// The process id written in a lock file. Read with the C library, not a <see cref="FileStream"/>: .NET would
    /// take a shared flock to open it, which the holder's exclusive one refuses (this process's own included).
    /// </summary>
    private static int? ReadHolder(string lockPath)
    {
        if (!CanReadUnlocked) return null;
        try
        {
            var fd = Open(lockPath, 0x80000 /* O_RDONLY | O_CLOEXEC */);
            if (fd < 0) return null;
            try
            {
                var buffer = new byte[32];
                var n = Read(fd, buffer, buffer.Length);
                if (n <= 0) return null;
                return int.TryParse(Encoding.ASCII.GetString(buffer, 0, (int)n).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;
            }
            finally
            {
                _ = Close(fd);
            }
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return null;
        }
    }

    private static bool CanReadUnlocked => OperatingSystem.IsLinux();

    [DllImport("libc", EntryPoint = "open")]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "read")]
    private static extern nint Read(int fd, byte[] buffer, nint count);

    [DllImport("libc", EntryPoint = "close")]
    private static extern int Close(int fd);
}

using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace RqVae.IO;

/// <summary>
/// What kind of file system entry a path names, read with statx(2) on Linux. .NET reports FIFOs, devices and
/// sockets as ordinary files, and opening a FIFO for reading blocks until a writer appears, so readers ask
/// this before they open anything.
/// </summary>
public static class FileKind
{
    private const int AtCurrentDirectory = -100;
    private const uint StatxType = 0x1;
    private const int StatxSize = 256;
    private const int ModeOffset = 28; // struct statx: u32 mask, u32 blksize, u64 attributes, u32 nlink, u32 uid, u32 gid, u16 mode

    /// <summary>
    /// Null for a regular file (or when the kind cannot be read: not Linux, or statx unavailable), else a
    /// description such as "named pipe (FIFO)". Symbolic links are followed.
    /// </summary>
    public static string? DescribeIfNotRegular(string path)
    {
        if (!OperatingSystem.IsLinux()) return null;
        var buffer = new byte[StatxSize];
        try
        {
            if (Statx(AtCurrentDirectory, path, 0, StatxType, buffer) != 0) return null;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return null; // a libc older than 2.28; the open that follows is then unguarded, as before
        }
        if ((BinaryPrimitives.ReadUInt32LittleEndian(buffer) & StatxType) == 0) return null;
        return (BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(ModeOffset)) & 0xF000) switch
        {
            0x8000 => null,
            0x1000 => "named pipe (FIFO)",
            0x2000 => "character device",
            0x6000 => "block device",
            0xC000 => "socket",
            0x4000 => "directory",
            _ => "special file",
        };
    }

    // Plain DllImport (not LibraryImport) keeps the assembly free of unsafe code.
    [DllImport("libc", EntryPoint = "statx", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern int Statx(int directory, string path, int flags, uint mask, byte[] buffer);
}

using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace RqVae.Cli.Output;

/// <summary>
/// The hidden temporary files an atomic write leaves behind when its process is killed before the rename:
/// <c>.NAME.PID.GUID.tmp</c> (see <c>AtomicFile.TempPathFor</c>). Removed on the next run of the same output,
/// under the output's lock, and only when PID is no longer a live process, so the temporary file of a writer
/// that is still running is never touched.
/// </summary>
internal static partial class StaleTemporaryFiles
{
    /// <summary>Whether <paramref name="fileName"/> is a temporary file of an atomic write, and of which file and process.</summary>
    public static bool TryParse(string fileName, out string target, out int processId)
    {
        var match = Pattern().Match(fileName);
        target = match.Success ? match.Groups["name"].Value : "";
        processId = match.Success && int.TryParse(match.Groups["pid"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : 0;
        return match.Success && processId > 0;
    }

    /// <summary>Removes the dead writers' temporary files of <paramref name="fileNames"/> in <paramref name="folder"/>.</summary>
    public static void RemoveFor(string folder, IReadOnlyCollection<string> fileNames)
        => Remove(folder, name => fileNames.Contains(name, StringComparer.Ordinal));

    /// <summary>Removes the dead writers' temporary files of any name in <paramref name="folder"/> (a folder the tool fills).</summary>
    public static void RemoveAll(string folder) => Remove(folder, _ => true);

    private static void Remove(string folder, Func<string, bool> belongs)
    {
        if (!Directory.Exists(folder)) return;
        foreach (var path in Directory.EnumerateFiles(folder, ".*.tmp"))
        {
            if (!TryParse(Path.GetFileName(path), out var target, out var pid) || !belongs(target) || IsAlive(pid)) continue;
            try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static bool IsAlive(int processId)
    {
        if (processId == Environment.ProcessId) return true;
        if (OperatingSystem.IsLinux()) return Directory.Exists("/proc/" + processId.ToString(CultureInfo.InvariantCulture));
        try
        {
            using var process = Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"^\.(?<name>.+)\.(?<pid>[0-9]{1,10})\.(?<guid>[0-9a-f]{32})\.tmp$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}

using System.Globalization;
using System.Text.RegularExpressions;

namespace RqVae.Cli.Output;

/// <summary>
/// The hidden temporary files an atomic write leaves behind when its process is killed before the rename:
/// <c>.NAME.PID.GUID.tmp</c> (see <c>AtomicFile.TempPathFor</c>): recognised as the tool's own, so that a folder
/// holding one is still a folder the tool wrote.
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

    [GeneratedRegex(@"^\.(?<name>.+)\.(?<pid>[0-9]{1,10})\.(?<guid>[0-9a-f]{32})\.tmp$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}

namespace RqVae.Cli.Output;

/// <summary>
/// The rule for a file the tool is about to write: refuse when it already exists, unless the user passed
/// <c>--overwrite</c>; then the new file replaces it whole (every output is written to a temporary name and
/// renamed over the old one, so the old file stays intact until the new one is complete). Checked before
/// any work is done, so a refusal costs nothing.
/// </summary>
internal static class ExistingOutput
{
    public static void Check(string path, bool overwrite)
    {
        if (Directory.Exists(path))
            throw new CliException($"'{path}' is a folder; give a file name for the output.");
        if (File.Exists(path) && !overwrite)
            throw new CliException($"'{path}' already exists. Pass --overwrite to replace it (the old file stays intact until the new one is complete), or choose another output.");
    }
}

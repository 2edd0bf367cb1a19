namespace RqVae.Cli.Output;

/// <summary>
/// The rule for a file the tool is about to write, with the files it writes beside it (an ID table's
/// <c>.meta.json</c>, a .npy's <c>.ids.txt</c>): refuse when one already exists, unless the user passed
/// <c>--overwrite</c>; then the new file replaces it whole (every output is written to a temporary name and
/// renamed over the old one, so the old file stays intact until the new one is complete). Never an input of the
/// command or a file inside a model folder (<see cref="OutputPlacement"/>), and never while another rqvae
/// process writes the same output (<see cref="OutputClaim"/>). Checked before any work is done, so a refusal
/// costs nothing.
/// </summary>
internal static class ExistingOutput
{
    /// <summary>Claims <paramref name="path"/> for writing; dispose the claim once the output is complete.</summary>
    /// <param name="path">The output file, as the user wrote it.</param>
    /// <param name="overwrite">The user passed --overwrite.</param>
    /// <param name="inputs">Files and folders the command reads.</param>
    /// <param name="companions">Files the command writes beside it.</param>
    public static OutputClaim Claim(string path, bool overwrite, IEnumerable<string> inputs, params string[] companions)
    {
        OutputPlacement.Check(path, inputs, companions);
        var claim = OutputClaim.Take(path);
        try
        {
            // Under the lock, so the temporary file of a live writer of this output cannot be taken for a dead one's.
            StaleTemporaryFiles.RemoveFor(Path.GetDirectoryName(Path.GetFullPath(path))!, [.. companions.Prepend(path).Select(Path.GetFileName).OfType<string>()]);
            foreach (var file in companions.Prepend(path))
            {
                if (Directory.Exists(file))
                    throw new CliException($"'{file}' is a folder; give a file name for the output.");
                if (File.Exists(file) && !overwrite)
                    throw new CliException($"'{file}' already exists. Pass --overwrite to replace it (the old file stays intact until the new one is complete), or choose another output.");
            }
            return claim;
        }
        catch
        {
            claim.Dispose();
            throw;
        }
    }
}

using System.Runtime.InteropServices;

namespace RqVae.Cli.Output;

/// <summary>
/// A folder the tool fills (a model folder, a MovieLens run): created when it does not exist; refused when it
/// exists, unless <c>--overwrite</c> (the new folder is built beside it as <c>NAME.partial</c> and swapped in
/// only when it holds a usable result, so the old one stays intact until then) or <c>--resume</c> (the
/// interrupted run in it continues; an interrupted <c>--overwrite</c> run continues in its <c>.partial</c>).
/// <c>--overwrite</c> replaces only a folder of the <see cref="ToolFolderKind"/> the command writes; a folder
/// holding anything else, one that holds an input of the command, and one inside a model folder are refused.
/// The folder is claimed (<see cref="OutputClaim"/>) from <see cref="Open"/> until <see cref="Dispose"/>, and
/// the temporary files that killed writers left in it are removed under that claim.
/// </summary>
internal sealed class OutputFolder : IDisposable
{
    private const string StagingSuffix = ".partial";

    private readonly bool created;
    private readonly OutputClaim claim;

    private OutputFolder(string path, string workingPath, OutputClaim claim, bool created = false)
    {
        Path = path;
        WorkingPath = workingPath;
        this.claim = claim;
        this.created = created;
    }

    /// <summary>Where the result ends up.</summary>
    public string Path { get; }

    /// <summary>Where the command writes: <see cref="Path"/> itself, or its <c>.partial</c> sibling until <see cref="Commit"/>.</summary>
    public string WorkingPath { get; }

    /// <summary>True while the result is built beside <see cref="Path"/>.</summary>
    public bool IsStaged => !string.Equals(Path, WorkingPath, StringComparison.Ordinal);

    /// <summary>Opens <paramref name="path"/> for writing under the user's choice.</summary>
    /// <param name="path">The output folder.</param>
    /// <param name="overwrite">Replace an existing folder.</param>
    /// <param name="resume">Continue the interrupted run in the folder.</param>
    /// <param name="resumeMarker">The file (relative to the folder) an interrupted run leaves to resume from.</param>
    /// <param name="kind">What the command writes there: the only kind of folder --overwrite replaces.</param>
    /// <param name="inputs">Files and folders the command reads, which the output may not hold.</param>
    public static OutputFolder Open(string path, bool overwrite, bool resume, string resumeMarker, ToolFolderKind kind, IEnumerable<string> inputs)
    {
        if (overwrite && resume)
            throw new CliException("--resume and --overwrite exclude each other: --resume continues the run in the output folder, --overwrite replaces it.", ExitCodes.Usage);
        var full = System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(path));
        if (File.Exists(full)) throw new CliException($"'{path}' is a file; the output must be a folder.");
        OutputPlacement.Check(path, inputs);
        var claim = OutputClaim.Take(path);
        try
        {
            return Open(path, full, overwrite, resume, resumeMarker, kind, claim);
        }
        catch
        {
            claim.Dispose();
            throw;
        }
    }

    private static OutputFolder Open(string path, string full, bool overwrite, bool resume, string resumeMarker, ToolFolderKind kind, OutputClaim claim)
    {
        var staging = full + StagingSuffix;
        RemoveStaleTemporaryFiles(full, resumeMarker);
        RemoveStaleTemporaryFiles(staging, resumeMarker);
        if (resume)
            return File.Exists(System.IO.Path.Combine(staging, resumeMarker)) ? new OutputFolder(full, staging, claim) : Create(full, claim);
        if (!IsEmptyOrMissing(full))
        {
            if (!overwrite)
            {
                var resumable = File.Exists(System.IO.Path.Combine(full, resumeMarker)) || File.Exists(System.IO.Path.Combine(staging, resumeMarker));
                throw new CliException($"'{path}' already exists. Pass --overwrite to replace it (the old folder stays intact until the new one is complete)" +
                                       (resumable ? ", or --resume to continue the interrupted training run in it." : ", or choose another output."));
            }
            if (kind.WhyForeign(full, path) is { } foreign)
                throw new CliException($"'{path}' is not {kind.Description} rqvae wrote: {foreign}. --overwrite replaces only what rqvae wrote; " +
                                       "move those files away or choose another output.");
            if (Directory.Exists(staging))
            {
                if (!IsEmptyOrMissing(staging) && kind.WhyForeign(staging, path + StagingSuffix) is { } foreignStaging)
                    throw new CliException($"'{path + StagingSuffix}' (where --overwrite builds the new folder) is not a folder rqvae left: {foreignStaging}. " +
                                           "Move it away or choose another output.");
                Directory.Delete(staging, recursive: true);
            }
            Directory.CreateDirectory(staging);
            return new OutputFolder(full, staging, claim);
        }
        return Create(full, claim);
    }

    /// <summary>Puts the staged result in place of the old folder (nothing to do when writing in place).</summary>
    public void Commit()
    {
        if (!IsStaged) return;
        if (!Directory.Exists(Path))
        {
            Directory.Move(WorkingPath, Path);
            return;
        }
        if (!TryExchange(WorkingPath, Path))
        {
            // Without an atomic exchange: two renames, with the old folder kept under a third name in between.
            var old = Path + ".old";
            if (Directory.Exists(old)) Directory.Delete(old, recursive: true);
            Directory.Move(Path, old);
            Directory.Move(WorkingPath, Path);
            Directory.Delete(old, recursive: true);
            return;
        }
        Directory.Delete(WorkingPath, recursive: true); // now holds the old folder
    }

    /// <summary>
    /// After a failure or a stop with nothing usable: drops a staged folder unless it holds
    /// <paramref name="resumeMarker"/> (so --resume can continue it), and a folder this run created and left empty.
    /// </summary>
    public void Abandon(string resumeMarker)
    {
        if (!Directory.Exists(WorkingPath)) return;
        if (IsStaged && !File.Exists(System.IO.Path.Combine(WorkingPath, resumeMarker)))
            Directory.Delete(WorkingPath, recursive: true);
        else if (created && IsEmptyOrMissing(WorkingPath))
            Directory.Delete(WorkingPath);
    }

    /// <summary>Lets go of the folder's claim; call after <see cref="Commit"/> or <see cref="Abandon"/>.</summary>
    public void Dispose() => claim.Dispose();

    private static OutputFolder Create(string full, OutputClaim claim)
    {
        var created = !Directory.Exists(full);
        Directory.CreateDirectory(full);
        return new OutputFolder(full, full, claim, created);
    }

    /// <summary>Removes what killed writers left in the folder and in the folder the resume marker lies in (a run's model/).</summary>
    private static void RemoveStaleTemporaryFiles(string folder, string resumeMarker)
    {
        StaleTemporaryFiles.RemoveAll(folder);
        if (System.IO.Path.GetDirectoryName(resumeMarker) is { Length: > 0 } inner)
            StaleTemporaryFiles.RemoveAll(System.IO.Path.Combine(folder, inner));
    }

    private static bool IsEmptyOrMissing(string path) => !Directory.Exists(path) || !Directory.EnumerateFileSystemEntries(path).Any();

    /// <summary>Swaps two folders in one step with Linux's renameat2(RENAME_EXCHANGE); false where that is unavailable.</summary>
    private static bool TryExchange(string a, string b)
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            return RenameAt2(AtCurrentDirectory, a, AtCurrentDirectory, b, RenameExchange) == 0;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return false;
        }
    }

    private const int AtCurrentDirectory = -100;
    private const uint RenameExchange = 2;

    [DllImport("libc", EntryPoint = "renameat2", SetLastError = true)]
    private static extern int RenameAt2(int oldDirectory, [MarshalAs(UnmanagedType.LPUTF8Str)] string oldPath, int newDirectory,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string newPath, uint flags);
}

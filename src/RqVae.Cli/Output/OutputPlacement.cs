namespace RqVae.Cli.Output;

/// <summary>
/// Where an output may not go, with or without <c>--overwrite</c>: onto (or, for a folder, around) one of the
/// command's own inputs, which the write would destroy before or while it is read; and inside a model folder,
/// whose files the model needs (an ID table written over <c>MODEL/config.json</c> makes the model unloadable).
/// </summary>
internal static class OutputPlacement
{
    /// <summary>The files a command reads items from: the items file, and the ids file beside a .npy (or given with --ids-file).</summary>
    public static IReadOnlyList<string> ItemInputs(string itemsPath, string? idsFile)
    {
        var inputs = new List<string> { itemsPath };
        if (idsFile is not null) inputs.Add(idsFile);
        else if (itemsPath.EndsWith(".npy", StringComparison.OrdinalIgnoreCase)) inputs.Add(RqVae.Data.Npy.NpyIdsSidecar.PathFor(itemsPath));
        return inputs;
    }

    /// <summary>Refuses <paramref name="output"/> (as the user wrote it) when it is, holds or lies inside an input, or lies inside a model folder.</summary>
    /// <param name="output">The output file or folder.</param>
    /// <param name="inputs">Files and folders the command reads.</param>
    /// <param name="companions">Files written beside the output (sidecars), checked like it.</param>
    public static void Check(string output, IEnumerable<string> inputs, params string[] companions)
    {
        var target = Resolve(output);
        var written = new[] { target }.Concat(companions.Select(Resolve)).ToArray();
        foreach (var input in inputs)
        {
            var read = Resolve(input);
            foreach (var path in written)
            {
                if (string.Equals(path, read, StringComparison.Ordinal))
                    throw new CliException($"'{Shown(output, path, target)}' is also an input of this command ('{input}'): writing it would destroy what is being read. Write the output to another path (--overwrite does not allow this).");
                if (IsInside(read, path))
                    throw new CliException($"'{output}' holds '{input}', an input of this command: replacing it would delete the input. Write the output to another folder (--overwrite does not allow this).");
            }
        }
        for (var folder = Path.GetDirectoryName(target); folder is not null; folder = Path.GetDirectoryName(folder))
        {
            if (ToolFolderKind.IsModelFolder(folder))
                throw new CliException($"'{output}' lies inside the model folder '{folder}': writing there would change the model's files. Write the output outside the model folder (--overwrite does not allow this).");
        }
    }

    private static string Shown(string output, string path, string target) => path == target ? output : path;

    private static bool IsInside(string path, string folder)
        => path.StartsWith(folder.EndsWith(Path.DirectorySeparatorChar) ? folder : folder + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    /// <summary>The full path, through a symbolic link at its end, so that a link to an input is seen as the input.</summary>
    private static string Resolve(string path)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        try
        {
            FileSystemInfo info = Directory.Exists(full) ? new DirectoryInfo(full) : new FileInfo(full);
            if (info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is { } resolved)
                return Path.TrimEndingDirectorySeparator(Path.GetFullPath(resolved.FullName));
        }
        catch (IOException)
        {
            // A broken or looping link: compare the link itself.
        }
        return full;
    }
}

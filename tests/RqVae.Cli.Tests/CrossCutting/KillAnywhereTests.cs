using System.Diagnostics;
using System.Security.Cryptography;
using RqVae.Cli.Tests.Support;
using RqVae.Data.IdTables;
using RqVae.TestSupport;
using RqVae.Training.Checkpointing;
using Xunit.Abstractions;

namespace RqVae.Cli.Tests.CrossCutting;

/// <summary>
/// The real <c>rqvae train</c> SIGKILLed over and over, at every phase of its life (start-up, k-means
/// initialisation, training steps before and after checkpoints, the finishing step between each of its files, after
/// the folder is committed), each time continued with <c>--resume</c> when a training state is there and rerun
/// otherwise, ends with exactly the weights and IDs of an uninterrupted run, and with a complete folder.
/// Named points come from the tool's test-only <c>RQVAE_TEST_KILL_AT</c> hook; random ones from a timer.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class KillAnywhereTests(ITestOutputHelper log)
{
    private const int Sigkill = 137; // 128 + SIGKILL
    private const int TotalSteps = 60; // 160 items in batches of 16 for 6 epochs
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(60);

    // State every 7 steps and weights every 2 epochs (20 steps): kills land before, between and after both.
    private static readonly string[] Settings =
    [
        "--epochs", "6", "--batch-size", "16", "--hidden-dimensions", "8", "--latent-dimension", "4", "--levels", "2", "--codebook-size", "4",
        "--evaluate-every", "0", "--checkpoint-every", "2", "--checkpoint-every-steps", "7", "--threads", "1",
    ];

    [Fact]
    public void A_run_killed_at_every_phase_and_resumed_ends_with_the_model_of_an_uninterrupted_run()
    {
        if (!OperatingSystem.IsLinux()) return;
        var clock = Stopwatch.StartNew();
        using var dir = new TemporaryDirectory();
        var items = dir.Write("items.csv", SyntheticItems.Csv(160, 3));
        var whole = dir.File("whole");
        var reference = ToolProcess.Run(dir.Path, RunTimeout, ["train", items, "-o", whole, .. Settings]);
        Assert.True(reference.ExitCode == 0, reference.ToString());

        var killed = dir.File("killed");
        var random = new Random();
        // Before the data are read, during k-means, before the first state (step 7), then by a timer anywhere in
        // loading, k-means, the steps and the checkpoint writes.
        KillAt(items, killed, "start");
        KillAt(items, killed, "kmeans");
        KillAt(items, killed, "step-3");
        KillAfter(items, killed, TimeSpan.FromMilliseconds(random.Next(0, 400)));
        // Just after the first state write (step 7), then counted from where the state stands: the first step of a
        // resumed run, a step between two state writes, and the one after the epoch checkpoint of step 20.
        KillAt(items, killed, "step-8");
        foreach (var ahead in new[] { 1, random.Next(2, 7), 14 })
            KillAt(items, killed, $"step-{Math.Min(TotalSteps, StateStep(killed) + ahead)}");
        // The finishing step: after the final weights and config.json, after each file written beside them, after the commit.
        // Each of them must leave the training state, so that --resume (not a fresh start) completes the folder.
        foreach (var point in new[] { "trained", "metrics", "training-log", "report", "committed" })
        {
            KillAt(items, killed, point);
            Assert.True(StatePath(killed) is not null, $"killed at {point}, the folder cannot be resumed: {Describe(killed)}");
        }

        var finished = Continue(items, killed, environment: null);
        Assert.True(finished.ExitCode == 0, finished.ToString());
        Assert.Contains("Resuming from", finished.Output);
        log.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s in all");

        foreach (var file in new[] { "config.json", "model.safetensors", "metrics.json", "training.json", "report.html" })
            Assert.True(File.Exists(Path.Combine(killed, file)), $"{file} is missing");
        Assert.False(File.Exists(Path.Combine(killed, "training.ckpt")));
        Assert.Empty(Directory.GetFiles(killed, "checkpoint-epoch-*"));
        Assert.Equal(Sha256(Path.Combine(whole, "model.safetensors")), Sha256(Path.Combine(killed, "model.safetensors")));
        Assert.Equal(0, Tool.Run("encode", whole, items, "-o", dir.File("whole.csv")).ExitCode);
        Assert.Equal(0, Tool.Run("encode", killed, items, "-o", dir.File("killed.csv")).ExitCode);
        Assert.Equal(SemanticIdTableReader.Read(dir.File("whole.csv")).Codes, SemanticIdTableReader.Read(dir.File("killed.csv")).Codes);
    }

    /// <summary>Continues the run in <paramref name="folder"/> with the tool told to SIGKILL itself at <paramref name="point"/>; the kill must happen.</summary>
    private void KillAt(string items, string folder, string point)
    {
        var result = Continue(items, folder, new Dictionary<string, string> { ["RQVAE_TEST_KILL_AT"] = point });
        log.WriteLine($"killed at {point}: exit {result.ExitCode}; left {Describe(folder)}");
        Assert.True(result.ExitCode == Sigkill, $"the run was to die at {point}: {result}");
    }

    /// <summary>Continues the run and SIGKILLs it <paramref name="delay"/> after it has read the items, wherever it is.</summary>
    private void KillAfter(string items, string folder, TimeSpan delay)
    {
        using var tool = ToolProcess.Start(Path.GetDirectoryName(folder)!, Arguments(items, folder));
        Assert.True(tool.WaitForOutput("Read 160 items", RunTimeout), tool.Output);
        Thread.Sleep(delay);
        var finishedFirst = tool.HasExited;
        tool.Kill();
        log.WriteLine($"killed {delay.TotalMilliseconds:F0} ms after reading{(finishedFirst ? " (had already finished: starting again)" : "")}; left {Describe(folder)}");
        if (finishedFirst) Directory.Delete(folder, recursive: true); // the chain goes on from scratch; the other kills still test
    }

    /// <summary>One run on <paramref name="folder"/>: --resume when a training state is there, a fresh run otherwise (replacing what a killed fresh run left).</summary>
    private static CliResult Continue(string items, string folder, IReadOnlyDictionary<string, string>? environment)
    {
        using var tool = ToolProcess.Start(Path.GetDirectoryName(folder)!, environment ?? new Dictionary<string, string>(), Arguments(items, folder));
        return tool.WaitForExit(RunTimeout);
    }

    private static string[] Arguments(string items, string folder)
    {
        if (StatePath(folder) is not null) return ["train", items, "-o", folder, "--resume", .. Settings];
        return Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any()
            ? ["train", items, "-o", folder, "--overwrite", .. Settings]
            : ["train", items, "-o", folder, .. Settings];
    }

    private static long StateStep(string folder) => StatePath(folder) is { } state ? TrainingCheckpoint.Read(state).Step : 0;

    /// <summary>The training state in the folder, or in the <c>.partial</c> folder a killed --overwrite run builds beside it; null when neither has one.</summary>
    private static string? StatePath(string folder)
        => new[] { folder, folder + ".partial" }.Select(f => Path.Combine(f, "training.ckpt")).FirstOrDefault(File.Exists);

    private static string Describe(string folder)
        => Directory.Exists(folder) ? "[" + string.Join(", ", Directory.GetFileSystemEntries(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal)) + "]" : "no folder";

    private static string Sha256(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));
}

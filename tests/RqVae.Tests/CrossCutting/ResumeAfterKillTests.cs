using RqVae.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace RqVae.Tests.CrossCutting;

/// <summary>
/// A run killed with SIGKILL at an arbitrary point and resumed ends with exactly the weights
/// and IDs of an uninterrupted run. The kill is real: a child process, <c>Process.Kill</c> (SIGKILL on Linux),
/// at a random step and a random delay after it, so it may land mid-step or mid-checkpoint-write.
/// </summary>
public sealed class ResumeAfterKillTests(ITestOutputHelper log) : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private const int TotalSteps = 480; // 3000 rows / batch 50 × 8 epochs, as the host trains
    private readonly string directory = Directory.CreateTempSubdirectory("rqvae-kill-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public async Task Run_killed_twice_with_SIGKILL_and_resumed_ends_bit_identical_to_an_uninterrupted_run()
    {
        var uninterruptedDir = Path.Combine(directory, "uninterrupted");
        var killedDir = Path.Combine(directory, "killed");
        var uninterrupted = TrainingHostProcess.RunAsync(Timeout, "train", "--out", uninterruptedDir, "--checkpoint-every", "7");

        var random = new Random();
        var firstKill = random.Next(20, 200);
        var secondKill = random.Next(20, 200); // counted from where the resumed run starts
        log.WriteLine($"killing at step {firstKill}, then {secondKill} steps into the resumed run");
        var killedAt = await KillAtStepAsync(killedDir, firstKill, random.Next(0, 40), resume: false);
        Assert.False(File.Exists(Path.Combine(killedDir, "model", "model.safetensors")), "the killed run must not have finished");

        var resumedAt = await KillAtStepAsync(killedDir, secondKill, random.Next(0, 40), resume: true);
        var (code, output, error) = await TrainingHostProcess.RunAsync(Timeout, "train", "--out", killedDir, "--checkpoint-every", "7", "--resume");
        Assert.True(code == 0, $"resumed run failed ({code}): {error}");
        var resumedFrom = long.Parse(output.Split('\n').First(l => l.StartsWith("resumed-from ", StringComparison.Ordinal))["resumed-from ".Length..]);
        log.WriteLine($"first kill after step {killedAt}; second run resumed and was killed after step {resumedAt}; final run resumed from step {resumedFrom}");
        Assert.InRange(resumedFrom, 1, TotalSteps - 1); // a real mid-run resume, not a fresh start
        var firstStep = output.Split('\n').First(l => l.StartsWith("step ", StringComparison.Ordinal));
        Assert.Equal($"step {resumedFrom + 1}", firstStep); // continued where the checkpoint stood, nothing redone

        var (referenceCode, _, referenceError) = await uninterrupted;
        Assert.True(referenceCode == 0, $"uninterrupted run failed: {referenceError}");
        Assert.Equal(File.ReadAllBytes(Path.Combine(uninterruptedDir, "model", "model.safetensors")), File.ReadAllBytes(Path.Combine(killedDir, "model", "model.safetensors")));
        Assert.Equal(File.ReadAllText(Path.Combine(uninterruptedDir, "ids.txt")), File.ReadAllText(Path.Combine(killedDir, "ids.txt")));
        Assert.Equal(File.ReadAllText(Path.Combine(uninterruptedDir, "model", "config.json")), File.ReadAllText(Path.Combine(killedDir, "model", "config.json")));
    }

    /// <summary>Starts the host, waits until it reports <paramref name="steps"/> steps (counted from its first), waits a little more, SIGKILLs it; returns the last step it reported.</summary>
    private static async Task<long> KillAtStepAsync(string output, int steps, int extraMilliseconds, bool resume)
    {
        string[] arguments = resume ? ["train", "--out", output, "--checkpoint-every", "7", "--resume"] : ["train", "--out", output, "--checkpoint-every", "7"];
        using var process = TrainingHostProcess.Start(arguments);
        using var watchdog = new CancellationTokenSource(Timeout);
        using var _ = watchdog.Token.Register(() => process.Kill());
        // Read synchronously on a thread of its own: awaiting each line let the child run hundreds of steps
        // ahead of the reader, so the kill came too late to land mid-run.
        var (seen, last) = await Task.Factory.StartNew(() =>
        {
            int count = 0;
            long step = 0;
            while (count < steps && process.StandardOutput.ReadLine() is { } line)
            {
                if (!line.StartsWith("step ", StringComparison.Ordinal)) continue;
                step = long.Parse(line["step ".Length..]);
                count++;
            }
            if (count == steps) Thread.Sleep(extraMilliseconds);
            if (!process.HasExited) process.Kill(); // SIGKILL on Unix: no handler, no flush, no finally blocks
            return (count, step);
        }, TaskCreationOptions.LongRunning);
        Assert.True(seen == steps, $"the host ended after {seen} steps, before the kill: {await process.StandardError.ReadToEndAsync()}");
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 137, $"the host exited with {process.ExitCode} before the kill at step {last}, not by SIGKILL (137)"); // 128 + SIGKILL
        return last;
    }
}

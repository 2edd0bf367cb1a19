using RqVae.Cli.Tests.Support;
using RqVae.Data.IdTables;
using RqVae.Model;

using RqVae.TestSupport;

namespace RqVae.Cli.Tests.CrossCutting;

/// <summary><c>--resume</c>: a run stopped with Ctrl-C and resumed ends exactly where an uninterrupted run ends.</summary>
[Collection(SerialCollection.Name)]
public sealed class ResumeTests
{
    // 160 items in batches of 16: 10 steps per epoch; a checkpoint every 2 epochs and every 7 steps, so the
    // resume point is usually in the middle of an epoch.
    private static readonly string[] Settings =
        ["--epochs", "150", "--batch-size", "16", "--hidden-dimensions", "8", "--latent-dimension", "4", "--levels", "2", "--codebook-size", "4", "--evaluate-every", "0"];

    [Fact]
    public async Task A_stopped_run_resumed_gives_the_weights_and_ids_of_an_uninterrupted_run()
    {
        using var dir = new TemporaryDirectory();
        var items = dir.Write("items.csv", SyntheticItems.Csv(160, 3));
        var whole = dir.File("whole");
        Assert.Equal(0, Tool.Run(["train", items, "-o", whole, .. Settings]).ExitCode);

        var resumed = dir.File("resumed");
        var state = Path.Combine(resumed, "training.ckpt");
        using (var stop = new CancellationTokenSource())
        {
            var run = Task.Run(() => Tool.Run(stop.Token, ["train", items, "-o", resumed, "--checkpoint-every", "2", "--checkpoint-every-steps", "7", .. Settings]));
            var deadline = DateTime.UtcNow.AddMinutes(2);
            while (!File.Exists(Path.Combine(resumed, "config.json")) && DateTime.UtcNow < deadline && !run.IsCompleted) await Task.Delay(5);
            stop.Cancel();
            var stopped = await run;
            Assert.True(stopped.ExitCode == ExitCodes.Cancelled, stopped.ToString());
            Assert.Contains("--resume", stopped.Error);
        }
        Assert.True(File.Exists(state));
        using (var kept = RqVaeTokenizer.Load(resumed)) { } // the stopped folder still loads as a model

        var stoppedAt = RqVae.Training.Checkpointing.TrainingCheckpoint.Read(state).Step;
        Assert.InRange(stoppedAt, 1, 150 * 10 - 1);

        // Other trainer settings than the checkpoint's (here a learning rate other than the default 2e-3) are refused, and the checkpoint is left as it was.
        var before = File.ReadAllBytes(state);
        var refused = Tool.Run(["train", items, "-o", resumed, "--resume", .. Settings, "--lr", "0.005"]);
        Assert.Equal(ExitCodes.TrainingFailed, refused.ExitCode);
        Assert.Contains("cannot resume", refused.Error);
        Assert.Equal(before, File.ReadAllBytes(state));

        var finished = Tool.Run(["train", items, "-o", resumed, "--resume", "--checkpoint-every", "2", "--checkpoint-every-steps", "7", .. Settings]);
        Assert.True(finished.ExitCode == 0, finished.ToString());
        Assert.Contains("Resuming from", finished.Output);
        Assert.False(File.Exists(state)); // a finished run removes its training state
        Assert.EndsWith($"step {stoppedAt}", ModelConfig.Read(Path.Combine(resumed, "config.json")).Training!["resumedFrom"]);
        Assert.Empty(Directory.GetFiles(resumed, "checkpoint-epoch-*"));

        Assert.Equal(File.ReadAllBytes(Path.Combine(whole, "model.safetensors")), File.ReadAllBytes(Path.Combine(resumed, "model.safetensors")));
        Assert.Equal(0, Tool.Run("encode", whole, items, "-o", dir.File("whole.csv")).ExitCode);
        Assert.Equal(0, Tool.Run("encode", resumed, items, "-o", dir.File("resumed.csv")).ExitCode);
        Assert.Equal(SemanticIdTableReader.Read(dir.File("whole.csv")).Codes, SemanticIdTableReader.Read(dir.File("resumed.csv")).Codes);
    }

    [Fact]
    public void Resume_without_a_training_state_is_refused()
    {
        using var dir = new TemporaryDirectory();
        var items = dir.Write("items.csv", SyntheticItems.Csv(32, 3));
        var result = Tool.Run(["train", items, "-o", dir.File("model"), "--resume", .. SyntheticItems.TinyModel]);
        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains("nothing to resume", result.Error);
        Assert.Contains("training.ckpt", result.Error);
    }
}

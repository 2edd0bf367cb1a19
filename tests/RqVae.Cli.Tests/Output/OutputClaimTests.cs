using System.Globalization;
using System.Text;
using RqVae.Cli.Tests.Support;
using RqVae.Data.IdTables;
using RqVae.Model;

using RqVae.TestSupport;

namespace RqVae.Cli.Tests.Output;

/// <summary>
/// One writer per output: a second rqvae process writing the same output is refused (exit 2, naming the output
/// and the holder's pid) while the first runs, and the lock of a killed process is taken over.
/// </summary>
public sealed class OutputClaimTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);
    private const string Old = "an older table\n";

    [Fact]
    public void A_second_train_on_the_same_folder_is_refused_while_the_first_runs_and_takes_over_once_it_is_killed()
    {
        using var dir = new TemporaryDirectory();
        var folder = dir.File("model");
        // Far more epochs than the test lets it run: it is killed once a second writer has been refused.
        using var first = ToolProcess.Start(dir.Path, ["train", model.ItemsPath, "-o", "model", .. OutputPlacementTests.TinyModelWithEpochs(1_000_000)]);
        Assert.True(WaitFor(() => File.Exists(Path.Combine(folder, "config.json")) || first.HasExited, Timeout), "the first training never wrote a checkpoint");
        Assert.False(first.HasExited, "the first training ended before the second could start: " + first.Output);

        var second = ToolProcess.Run(dir.Path, Timeout, ["train", model.ItemsPath, "-o", "model", "--overwrite", .. OutputPlacementTests.TinyModelWithEpochs(1)]);

        Assert.True(second.ExitCode == ExitCodes.BadInput, second.ToString());
        Assert.Contains("'model'", second.Error);
        Assert.Contains(first.Id.ToString(CultureInfo.InvariantCulture), second.Error);
        Assert.False(first.HasExited, "the refused run disturbed the first one");

        first.Kill(); // SIGKILL: the lock file stays behind, naming a dead process
        Assert.True(File.Exists(dir.File(".model.lock")));

        var third = ToolProcess.Run(dir.Path, Timeout, ["train", model.ItemsPath, "-o", "model", "--overwrite", .. SyntheticItems.TinyModel]);
        Assert.True(third.ExitCode == 0, third.ToString());
        using (var loaded = RqVaeTokenizer.Load(folder)) Assert.Equal(3, loaded.InputDimension);
        Assert.Equal(["model"], Directory.GetFileSystemEntries(dir.Path).Select(Path.GetFileName)); // lock file and .partial gone
    }

    [Fact]
    public void Encode_is_refused_while_another_process_holds_the_table_s_lock()
    {
        using var dir = new TemporaryDirectory();
        var table = dir.Write("ids.csv", Old);
        using (var holder = HoldLock(dir.File(".ids.csv.lock")))
        {
            var refused = ToolProcess.Run(dir.Path, Timeout, "encode", model.ModelPath, model.ItemsPath, "-o", "ids.csv", "--overwrite");
            Assert.True(refused.ExitCode == ExitCodes.BadInput, refused.ToString());
            Assert.Contains("'ids.csv'", refused.Error);
            Assert.Contains(Environment.ProcessId.ToString(CultureInfo.InvariantCulture), refused.Error);
            Assert.Equal(Old, File.ReadAllText(table));
        }

        var written = ToolProcess.Run(dir.Path, Timeout, "encode", model.ModelPath, model.ItemsPath, "-o", "ids.csv", "--overwrite");
        Assert.True(written.ExitCode == 0, written.ToString());
        Assert.Equal(64, SemanticIdTableReader.Read(table).Count);
        Assert.Equal(["ids.csv", "ids.csv.meta.json"], Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_lock_file_left_by_a_dead_process_is_taken_over()
    {
        using var dir = new TemporaryDirectory();
        File.WriteAllText(dir.File(".ids.csv.lock"), DeadProcessId().ToString(CultureInfo.InvariantCulture) + "\n");

        var result = ToolProcess.Run(dir.Path, Timeout, "encode", model.ModelPath, model.ItemsPath, "-o", "ids.csv");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(64, SemanticIdTableReader.Read(dir.File("ids.csv")).Count);
        Assert.False(File.Exists(dir.File(".ids.csv.lock")));
    }

    [Fact]
    public void Embed_and_eval_are_refused_while_their_output_is_locked()
    {
        using var dir = new TemporaryDirectory();
        dir.Write("texts.csv", "id,text\na,hello\n");
        using var vectors = HoldLock(dir.File(".vectors.npy.lock"));
        using var json = HoldLock(dir.File(".metrics.json.lock"));

        var embed = ToolProcess.Run(dir.Path, Timeout, "embed", "texts.csv", "-o", "vectors.npy");
        Assert.True(embed.ExitCode == ExitCodes.BadInput, embed.ToString());
        Assert.Contains("'vectors.npy'", embed.Error);

        var eval = ToolProcess.Run(dir.Path, Timeout, "eval", model.ModelPath, model.ItemsPath, "--json", "metrics.json");
        Assert.True(eval.ExitCode == ExitCodes.BadInput, eval.ToString());
        Assert.Contains("'metrics.json'", eval.Error);
        Assert.False(File.Exists(dir.File("metrics.json")));
    }

    /// <summary>Holds a lock file the way rqvae does (FileShare.None is an exclusive flock on Linux), naming this process.</summary>
    internal static FileStream HoldLock(string path)
    {
        var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        stream.Write(Encoding.ASCII.GetBytes(Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n"));
        stream.Flush();
        return stream;
    }

    /// <summary>The id of a process that has just ended.</summary>
    internal static int DeadProcessId()
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("true") { UseShellExecute = false })!;
        process.WaitForExit();
        return process.Id;
    }

    private static bool WaitFor(Func<bool> condition, TimeSpan timeout)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (condition()) return true;
            Thread.Sleep(50);
        }
        return condition();
    }
}

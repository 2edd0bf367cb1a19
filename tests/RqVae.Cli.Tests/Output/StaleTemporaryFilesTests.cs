using System.Globalization;
using RqVae.Cli.Tests.Support;
using RqVae.Data.IdTables;

using RqVae.TestSupport;

namespace RqVae.Cli.Tests.Output;

/// <summary>
/// A killed writer leaves its hidden temporary file (<c>.NAME.PID.GUID.tmp</c>) behind; the next run of the same
/// output removes those of dead processes and never one of a process that is still running.
/// </summary>
public sealed class StaleTemporaryFilesTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    [Fact]
    public void Encode_removes_the_temporary_files_of_a_killed_encode_of_the_same_table()
    {
        using var dir = new TemporaryDirectory();
        var dead = OutputClaimTests.DeadProcessId();
        var table = Temporary(dir, "ids.csv", dead);
        var sidecar = Temporary(dir, "ids.csv.meta.json", dead);
        var live = Temporary(dir, "ids.csv", Environment.ProcessId); // a writer that is still running
        var other = Temporary(dir, "other.csv", dead); // another output's: not this run's business

        var result = ToolProcess.Run(dir.Path, Timeout, "encode", model.ModelPath, model.ItemsPath, "-o", "ids.csv");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(64, SemanticIdTableReader.Read(dir.File("ids.csv")).Count);
        Assert.False(File.Exists(table));
        Assert.False(File.Exists(sidecar));
        Assert.True(File.Exists(live));
        Assert.True(File.Exists(other));
    }

    [Fact]
    public void A_killed_encode_leaves_nothing_the_next_run_does_not_clear()
    {
        using var dir = new TemporaryDirectory();
        // Enough rows that the encode is still writing when it is killed.
        var items = dir.Write("items.csv", SyntheticItems.Csv(rows: 200_000, dimension: 3));
        using (var first = ToolProcess.Start(dir.Path, "encode", model.ModelPath, items, "-o", "ids.csv", "--batch-size", "256"))
        {
            Assert.True(WaitFor(() => Directory.GetFiles(dir.Path, ".ids.csv.*.tmp").Length > 0 || first.HasExited, Timeout));
            first.Kill();
        }
        var next = ToolProcess.Run(dir.Path, Timeout, "encode", model.ModelPath, model.ItemsPath, "-o", "ids.csv");
        Assert.True(next.ExitCode == 0, next.ToString());
        Assert.Equal(["ids.csv", "ids.csv.meta.json", "items.csv"], Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Embed_removes_dead_temporary_files_of_the_vectors_and_their_ids()
    {
        using var dir = new TemporaryDirectory();
        dir.Write("texts.csv", "id,text\na,hello\n");
        dir.Write("vectors.npy", "old");
        var dead = OutputClaimTests.DeadProcessId();
        var vectors = Temporary(dir, "vectors.npy", dead);
        var ids = Temporary(dir, "vectors.ids.txt", dead);

        // Refused (the vectors exist and --overwrite is not given) before the text model is loaded; the clean-up still ran under the lock.
        var result = ToolProcess.Run(dir.Path, Timeout, "embed", "texts.csv", "-o", "vectors.npy");

        Assert.True(result.ExitCode == ExitCodes.BadInput, result.ToString());
        Assert.False(File.Exists(vectors));
        Assert.False(File.Exists(ids));
    }

    [Fact]
    public void Train_removes_dead_temporary_files_from_the_model_folder_it_is_pointed_at()
    {
        using var dir = new TemporaryDirectory();
        var folder = dir.File("model");
        OutputPlacementTests.CopyFolder(model.ModelPath, folder);
        var dead = OutputClaimTests.DeadProcessId();
        var weights = Temporary(dir, "model/checkpoint-epoch-0002.safetensors", dead);
        var live = Temporary(dir, "model/config.json", Environment.ProcessId);

        var result = ToolProcess.Run(dir.Path, Timeout, ["train", model.ItemsPath, "-o", "model", .. SyntheticItems.TinyModel]);

        Assert.True(result.ExitCode == ExitCodes.BadInput, result.ToString()); // exists, no --overwrite
        Assert.False(File.Exists(weights));
        Assert.True(File.Exists(live));
    }

    private static string Temporary(TemporaryDirectory dir, string relative, int processId)
    {
        var folder = Path.GetDirectoryName(dir.File(relative))!;
        var path = Path.Combine(folder, $".{Path.GetFileName(relative)}.{processId.ToString(CultureInfo.InvariantCulture)}.{Guid.NewGuid():N}.tmp");
        File.WriteAllText(path, "partial");
        return path;
    }

    private static bool WaitFor(Func<bool> condition, TimeSpan timeout)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (condition()) return true;
            Thread.Sleep(20);
        }
        return condition();
    }
}

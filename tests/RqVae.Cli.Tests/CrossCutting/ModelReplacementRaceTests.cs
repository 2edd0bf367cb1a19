using System.Runtime.InteropServices;
using RqVae.Cli.Tests.Support;
using RqVae.Data.IdTables;
using RqVae.TestSupport;

namespace RqVae.Cli.Tests.CrossCutting;

/// <summary>
/// Encoding while the model folder is being replaced (as `train --overwrite` swaps in a new folder): every table
/// written carries the hash of the model whose weights encoded it, never one generation's hash with the other's IDs.
/// </summary>
public sealed class ModelReplacementRaceTests
{
    [Fact]
    public async Task Tables_written_while_the_model_folder_is_swapped_name_the_model_that_made_their_ids()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var dir = new TemporaryDirectory();
        var items = dir.Write("items.csv", SyntheticItems.Csv(rows: 64, dimension: 3));
        var live = dir.File("model");
        var other = dir.File("other");
        Assert.Equal(0, Tool.Run(["train", items, "-o", live, .. SyntheticItems.TinyModel, "--seed", "1"]).ExitCode);
        Assert.Equal(0, Tool.Run(["train", items, "-o", other, .. SyntheticItems.TinyModel, "--seed", "2"]).ExitCode);
        var expected = new Dictionary<string, int[]>(StringComparer.Ordinal);
        foreach (var folder in new[] { live, other })
        {
            var path = dir.File(Path.GetFileName(folder) + "-expected.csv");
            Assert.Equal(0, Tool.Run("encode", folder, items, "-o", path).ExitCode);
            var table = SemanticIdTableReader.Read(path);
            expected[table.ModelHash!] = table.Codes.ToArray();
        }
        Assert.Equal(2, expected.Count);
        Assert.NotEqual(expected.Values.First(), expected.Values.Last());

        using var stop = new CancellationTokenSource();
        var swaps = 0;
        var swapper = Task.Run(() =>
        {
            // One atomic exchange of the two folders, as the tool swaps in a replaced model folder.
            while (!stop.IsCancellationRequested)
            {
                if (RenameAt2(AtCurrentDirectory, live, AtCurrentDirectory, other, RenameExchange) != 0)
                    throw new IOException($"renameat2 failed with errno {Marshal.GetLastPInvokeError()}");
                swaps++;
                // A replacement is rare next to a load; a swap every 2 ms still hits loads mid-way many times.
                Thread.Sleep(2);
            }
        });
        var results = new (CliResult Result, string Path)[60];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            var path = dir.File($"ids-{i}.csv");
            results[i] = (Tool.Run("encode", live, items, "-o", path), path);
        });
        stop.Cancel();
        await swapper;

        Assert.True(swaps > 20, $"only {swaps} swaps happened; the race was not exercised");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (result, path) in results)
        {
            Assert.True(result.ExitCode == 0, result.ToString());
            var table = SemanticIdTableReader.Read(path);
            Assert.True(expected.TryGetValue(table.ModelHash!, out var codes), $"{path} names a model that is neither of the two");
            Assert.Equal(codes, table.Codes.ToArray());
            seen.Add(table.ModelHash!);
        }
        Assert.Equal(2, seen.Count); // both generations were read while being swapped
    }

    private const int AtCurrentDirectory = -100;
    private const uint RenameExchange = 2;

    [DllImport("libc", EntryPoint = "renameat2", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern int RenameAt2(int oldDirectory, string oldPath, int newDirectory, string newPath, uint flags);
}

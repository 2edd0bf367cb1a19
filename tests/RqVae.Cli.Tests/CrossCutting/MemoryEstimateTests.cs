using System.Diagnostics;
using System.Globalization;
using System.Text;
using RqVae.Cli.Tests.Support;
using RqVae.TestSupport;

namespace RqVae.Cli.Tests.CrossCutting;

/// <summary>
/// The memory estimate through the tool: printed at the start of every RQ-VAE run, and a .npy whose header alone
/// shows the run cannot fit is refused before its data are read, naming the estimate.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class MemoryEstimateTests
{
    [Fact]
    public void A_npy_whose_header_claims_more_than_memory_is_refused_before_it_is_read()
    {
        using var dir = new TemporaryDirectory();
        // 100 million × 768 float32 = 307,200,000,000 bytes = 286.1 GiB of features, twice that with torch's copy;
        // the file has that length but is sparse: it takes no disk, and reading it would fill memory with zeros.
        var npy = dir.File("huge.npy");
        var header = NpyHeader(rows: 100_000_000, dimension: 768);
        using (var file = File.Create(npy))
        {
            file.Write(header);
            file.SetLength(header.Length + 100_000_000L * 768 * 4);
        }

        var clock = Stopwatch.StartNew();
        var result = ToolProcess.Run(dir.Path, TimeSpan.FromSeconds(60), "train", npy, "-o", dir.File("model"), "--threads", "1");
        clock.Stop();
        Assert.True(result.ExitCode == ExitCodes.TrainingFailed, result.ToString());
        Assert.Contains("features 286.1 GiB", result.Error);
        Assert.Contains("torch copy 286.1 GiB", result.Error);
        Assert.Contains("more memory but only", result.Error);
        Assert.Matches(@"Memory: [0-9.]+ (MiB|GiB) available; estimated peak about [0-9.]+ GiB \(features 286.1 GiB", result.Output);
        Assert.DoesNotContain("Read ", result.Output);
        Assert.False(Directory.Exists(dir.File("model")), "a refused run leaves no folder");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed.TotalSeconds:F1} s");
    }

    [Fact]
    public void Every_run_prints_its_estimate_against_the_memory_available()
    {
        using var dir = new TemporaryDirectory();
        var items = dir.Write("items.csv", SyntheticItems.Csv(32, 3));
        var result = Tool.Run(["train", items, "-o", dir.File("model"), .. SyntheticItems.TinyModel]);
        Assert.True(result.ExitCode == 0, result.ToString());
        var line = result.Output.Split('\n').Single(l => l.StartsWith("Memory: ", StringComparison.Ordinal));
        // 32 items × 3 values × 4 bytes = 384 bytes of features, and as much again for torch's copy.
        Assert.Matches(@"^Memory: [0-9.]+ (MiB|GiB) available with the items loaded; estimated peak about [0-9.]+ MiB \(features 384 B, torch copy 384 B, ", line);
        Assert.True(result.Output.IndexOf("Memory: ", StringComparison.Ordinal) < result.Output.IndexOf("Metrics on the training items", StringComparison.Ordinal));
    }

    /// <summary>A version 1.0 .npy header for a C-order float32 matrix (magic, version, length, dict padded to 64 bytes).</summary>
    private static byte[] NpyHeader(long rows, int dimension)
    {
        var dict = string.Create(CultureInfo.InvariantCulture, $"{{'descr': '<f4', 'fortran_order': False, 'shape': ({rows}, {dimension}), }}");
        var total = (10 + dict.Length + 1 + 63) / 64 * 64;
        var text = dict.PadRight(total - 10 - 1) + "\n";
        var header = new byte[10 + text.Length];
        byte[] magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0];
        magic.CopyTo(header, 0);
        header[8] = (byte)(text.Length & 0xFF);
        header[9] = (byte)(text.Length >> 8);
        Encoding.ASCII.GetBytes(text).CopyTo(header, 10);
        return header;
    }
}

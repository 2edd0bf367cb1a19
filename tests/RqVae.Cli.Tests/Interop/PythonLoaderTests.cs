using RqVae.Cli.Tests.Support;
using RqVae.Data.IdTables;
using RqVae.Data.Npy;
using RqVae.TestSupport;

namespace RqVae.Cli.Tests.Interop;

/// <summary>interop/python/load_rqvae.py rebuilds a model the tool trained in PyTorch (strict state_dict) and gives the tool's IDs.</summary>
public sealed class PythonLoaderTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    [Theory]
    [InlineData("--quantizer", "Standard", "--cosine-codebooks", "false")]
    [InlineData("--quantizer", "Ema", "--cosine-codebooks", "true")]
    public void PyTorch_gives_the_tools_ids_for_every_item(params string[] quantizer)
    {
        using var dir = new TemporaryDirectory();
        const int dimension = 12;
        var random = new Random(3);
        var train = Features(random, 3000, dimension);
        var trainPath = dir.File("train.npy");
        NpyFeatureWriter.Write(trainPath, train, dimension);
        var model = dir.File("model");
        var trained = Tool.Run(["train", trainPath, "-o", model, "--epochs", "3", "--batch-size", "256", "--hidden-dimensions", "32,16", "--latent-dimension", "8",
            "--levels", "3", "--codebook-size", "16", "--evaluate-every", "0", .. quantizer]);
        Assert.True(trained.ExitCode == 0, trained.ToString());

        // Other items than those trained on, and duplicates of trained ones, so some sit close to boundaries the model learned.
        var items = Features(new Random(9), 2000, dimension).Concat(train.Take(500 * dimension)).ToArray();
        var itemsPath = dir.File("items.npy");
        NpyFeatureWriter.Write(itemsPath, items, dimension);
        var toolIds = dir.File("tool.csv");
        Assert.Equal(0, Tool.Run("encode", model, itemsPath, "-o", toolIds).ExitCode);

        var codesPath = dir.File("python.npy");
        var python = Python.Run("interop/python/load_rqvae.py", Timeout, model, itemsPath, "-o", codesPath, "--threads", "1");
        Assert.True(python.ExitCode == 0, python.ToString());

        var expected = SemanticIdTableReader.Read(toolIds);
        var actual = ReadInt64Npy(codesPath, out var rows, out var levels);
        Assert.Equal(2500, rows);
        Assert.Equal(3, levels);
        Assert.Equal(expected.ItemIds, Enumerable.Range(0, 2500).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(expected.Codes.ToArray(), actual.Select(c => checked((int)c)));
        Assert.True(expected.Codes.ToArray().Distinct().Count() > 8, "the model should use many codes");
    }

    [Fact]
    public void A_model_with_beam_encoding_is_refused_saying_why()
    {
        using var dir = new TemporaryDirectory();
        var train = Features(new Random(1), 200, 4);
        var trainPath = dir.File("train.npy");
        NpyFeatureWriter.Write(trainPath, train, 4);
        var model = dir.File("model");
        Assert.Equal(0, Tool.Run(["train", trainPath, "-o", model, .. SyntheticItems.TinyModel, "--beam-width", "2"]).ExitCode);
        var result = Python.Run("interop/python/load_rqvae.py", Timeout, model, trainPath);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("beam of 2", result.Error);
        Assert.Contains("greedy encoding only", result.Error);
    }

    private static float[] Features(Random random, int rows, int dimension)
    {
        var values = new float[rows * dimension];
        for (var i = 0; i < values.Length; i++) values[i] = (float)(random.NextDouble() * 4 - 2 + (i / dimension % 5));
        return values;
    }

    /// <summary>A little-endian int64 2-D .npy as NumPy's np.save writes it (read here without the tool's reader, which takes floats).</summary>
    private static long[] ReadInt64Npy(string path, out int rows, out int columns)
    {
        var bytes = File.ReadAllBytes(path);
        var headerLength = BitConverter.ToUInt16(bytes, 8);
        var header = System.Text.Encoding.ASCII.GetString(bytes, 10, headerLength);
        Assert.Contains("'<i8'", header);
        var shape = System.Text.RegularExpressions.Regex.Match(header, @"\((\d+), (\d+)\)");
        rows = int.Parse(shape.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        columns = int.Parse(shape.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
        var data = new long[rows * columns];
        Buffer.BlockCopy(bytes, 10 + headerLength, data, 0, data.Length * 8);
        return data;
    }
}

using System.Globalization;
using RqVae.Model;
using RqVae.ResidualKMeans;
using RqVae.Tokenizers;
using Xunit;

namespace RqVae.Tests.Model;

/// <summary>
/// Model folders saved by an earlier version of the library (Fixtures/PreRestructureModels, made by
/// `rqvae train` on Fixtures/PreRestructureModels/items.csv, with the IDs `rqvae encode` wrote then): every
/// later version must load them and give the same IDs, or users' stored IDs stop meaning anything.
/// </summary>
public sealed class PreRestructureModelTests
{
    private static readonly string Root = Path.Combine(AppContext.BaseDirectory, "Fixtures", "PreRestructureModels");

    [Theory]
    [InlineData("rqvae")]
    [InlineData("rqvae-ema-cosine")]
    [InlineData("residual-kmeans")]
    public void Saved_model_loads_and_encodes_to_the_ids_it_wrote_then(string name)
    {
        var (features, _) = ReadCsv(Path.Combine(Root, "items.csv"), skipColumns: 1);
        var (expected, levels) = ReadCsv(Path.Combine(Root, $"{name}.ids.csv"), skipColumns: 1);
        using ISemanticIdTokenizer tokenizer = name == "residual-kmeans"
            ? ResidualKMeansTokenizer.Load(Path.Combine(Root, name))
            : RqVaeTokenizer.Load(Path.Combine(Root, name));
        var ids = tokenizer.Encode(features);
        Assert.Equal(levels, ids.Levels);
        Assert.Equal(expected.Select(v => (int)v).ToArray(), ids.Codes.ToArray());
    }

    /// <summary>The numeric columns after the first <paramref name="skipColumns"/>, row-major, and their count.</summary>
    private static (float[] Values, int Columns) ReadCsv(string path, int skipColumns)
    {
        var lines = File.ReadAllLines(path).Skip(1).Where(l => l.Length > 0).ToArray();
        var columns = lines[0].Split(',').Length - skipColumns;
        var values = lines.SelectMany(l => l.Split(',').Skip(skipColumns).Select(v => float.Parse(v, CultureInfo.InvariantCulture))).ToArray();
        return (values, columns);
    }
}

using System.Globalization;
using System.Text;

namespace RqVae.Cli.Tests.Support;

/// <summary>Small, deterministic feature tables: items around a few well-separated centres.</summary>
public static class SyntheticItems
{
    /// <summary>A CSV "id,f0..f{d-1}" with <paramref name="rows"/> items around <paramref name="clusters"/> centres.</summary>
    public static string Csv(int rows, int dimension, int clusters = 4, int seed = 1)
    {
        var random = new Random(seed);
        var centres = Enumerable.Range(0, clusters).Select(_ => Enumerable.Range(0, dimension).Select(_ => random.NextDouble() * 10 - 5).ToArray()).ToArray();
        var text = new StringBuilder("id," + string.Join(",", Enumerable.Range(0, dimension).Select(j => $"f{j}")) + "\n");
        for (var r = 0; r < rows; r++)
        {
            var c = centres[r % clusters];
            text.Append("item").Append(r.ToString(CultureInfo.InvariantCulture));
            for (var j = 0; j < dimension; j++)
                text.Append(',').Append((c[j] + (random.NextDouble() - 0.5) * 0.5).ToString("R", CultureInfo.InvariantCulture));
            text.Append('\n');
        }
        return text.ToString();
    }

    /// <summary>Train options that make a tiny model in well under a second.</summary>
    public static readonly string[] TinyModel =
        ["--epochs", "3", "--batch-size", "16", "--hidden-dimensions", "8", "--latent-dimension", "4", "--levels", "2", "--codebook-size", "4", "--evaluate-every", "0"];
}

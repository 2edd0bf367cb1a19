using System.Globalization;
using System.Text;
using RqVae.Cli;
using RqVae.TestSupport;

namespace RqVae.Service.Tests.Support;

/// <summary>
/// A small real model trained once for a test class through <c>rqvae train</c>: 300 items of 8 features around 12
/// centres, 2 levels of 8 codes, each item with a MovieLens-like title ("Toy Story (1995)"), so that the code tree has
/// branches to walk and titles to search.
/// </summary>
public sealed class CatalogueModelFixture : IDisposable
{
    /// <summary>Features per item.</summary>
    public const int Dimension = 8;

    /// <summary>Items in the training catalogue.</summary>
    public const int Count = 300;

    public CatalogueModelFixture()
    {
        var random = new Random(7);
        var centres = Enumerable.Range(0, 12).Select(_ => Enumerable.Range(0, Dimension).Select(_ => (float)(random.NextDouble() * 10 - 5)).ToArray()).ToArray();
        Features = new float[Count][];
        ItemIds = new string[Count];
        Titles = new string[Count];
        var csv = new StringBuilder("id," + string.Join(",", Enumerable.Range(0, Dimension).Select(j => $"f{j}")) + "\n");
        for (var r = 0; r < Count; r++)
        {
            ItemIds[r] = $"movie{r}";
            Titles[r] = r == 0 ? "Toy Story (1995)" : r == 1 ? "Jumanji (1995)" : $"{Words[r % Words.Length]} {Words[(r / 7) % Words.Length]} ({1950 + r % 70})";
            Features[r] = [.. centres[r % centres.Length].Select(c => c + (float)((random.NextDouble() - 0.5) * 0.6))];
            csv.Append(ItemIds[r]);
            foreach (var v in Features[r]) csv.Append(',').Append(v.ToString("R", CultureInfo.InvariantCulture));
            csv.Append('\n');
        }
        ItemsPath = Dir.Write("items.csv", csv.ToString());
        ModelPath = Train("model", seed: 1);
        Model = ServedModel.Load(ModelPath);
    }

    /// <summary>The fixture model loaded once, shared by the in-process services of the class (it is thread-safe).</summary>
    public ServedModel Model { get; }

    private static readonly string[] Words = ["Heat", "Casino", "Sabrina", "Balto", "Nixon", "Othello", "Persuasion", "Clueless", "Braveheart", "Babe", "Restoration", "Carrington"];

    public TemporaryDirectory Dir { get; } = new("rqvae-service-tests-");

    public string ItemsPath { get; }

    public string ModelPath { get; }

    public float[][] Features { get; }

    public string[] ItemIds { get; }

    public string[] Titles { get; }

    /// <summary>Trains another model on the same items into <paramref name="name"/> (another seed gives another model).</summary>
    public string Train(string name, int seed)
    {
        var path = Dir.File(name);
        var output = new StringWriter();
        var error = new StringWriter();
        var code = RqVaeCli.Run(["train", ItemsPath, "-o", path, "--seed", seed.ToString(CultureInfo.InvariantCulture), "--epochs", "8", "--batch-size", "32",
            "--hidden-dimensions", "16", "--latent-dimension", "4", "--levels", "2", "--codebook-size", "8", "--evaluate-every", "0"], output, error);
        if (code != 0) throw new InvalidOperationException($"training the fixture model failed (exit {code}):\n{output}\n{error}");
        return path;
    }

    public void Dispose()
    {
        Model.Dispose();
        Dir.Dispose();
    }
}

using RqVae.TestSupport;

namespace RqVae.Cli.Tests.Support;

/// <summary>One tiny model (3 features, 2 levels × 4 codes) trained through `rqvae train`, shared by a test class.</summary>
public sealed class TinyModelFixture : IDisposable
{
    public TinyModelFixture()
    {
        ItemsPath = Dir.Write("items.csv", SyntheticItems.Csv(rows: 64, dimension: 3));
        ModelPath = Dir.File("model");
        var result = Tool.Run(["train", ItemsPath, "-o", ModelPath, .. SyntheticItems.TinyModel]);
        if (result.ExitCode != 0) throw new InvalidOperationException("training the fixture model failed: " + result);
    }

    public TemporaryDirectory Dir { get; } = new();

    public string ItemsPath { get; }

    public string ModelPath { get; }

    public void Dispose() => Dir.Dispose();
}

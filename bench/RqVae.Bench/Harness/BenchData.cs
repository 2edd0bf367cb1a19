using RqVae.Data.Features;
using RqVae.Data.Npy;
using static TorchSharp.torch;

namespace RqVae.Bench.Harness;

/// <summary>
/// The benchmark's input: N(0, 1) float32 rows written once to an .npy file, which every
/// implementation (ours, PyTorch, FAISS) then reads, so all of them see exactly the same vectors.
/// </summary>
internal static class BenchData
{
    private const int ChunkRows = 65_536;

    /// <summary>Writes <paramref name="rows"/> × <paramref name="dimension"/> standard normal values, in chunks (bounded memory).</summary>
    public static void WriteRandomNormal(string path, int rows, int dimension, long seed)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        using var generator = new Generator((ulong)seed);
        using var writer = new NpyFeatureWriter(path, dimension); // atomic: appears only when complete
        for (var done = 0; done < rows; done += ChunkRows)
        {
            var count = Math.Min(ChunkRows, rows - done);
            using var scope = NewDisposeScope();
            var chunk = randn([count, dimension], generator: generator);
            writer.WriteRows(chunk.data<float>().ToArray());
        }
        writer.Complete();
    }

    /// <summary>Reads a whole 2-D .npy feature file into one row-major array.</summary>
    public static (float[] Values, int Rows, int Dimension) Load(string path)
    {
        var matrix = FeatureReader.Load(path, new FeatureReaderOptions { RejectDuplicateIds = false });
        return (matrix.Values, matrix.Rows, matrix.Dimension);
    }
}

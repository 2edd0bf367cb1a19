using System.IO.Compression;
using RqVae.Datasets.MovieLens;
using RqVae.Text;

namespace RqVae.Bench.Quality;

/// <summary>A catalogue to tokenize: features, and a set of labels per item for the agreement measure.</summary>
internal sealed record Catalogue(string Name, float[] Features, int Dimension, int[][] Labels, string LabelName)
{
    public int Rows => Features.Length / Dimension;

    /// <summary>All 9,066 MovieLens movies as MiniLM embeddings of "Title (year). Genres: a, b" (cached on disk).</summary>
    public static Catalogue MovieLens()
    {
        var data = MovieLensDataset.Load();
        var movies = data.Movies;
        var texts = movies.Select(m => MovieLensDataset.MovieText(m)).ToArray();
        using var embedder = new MiniLmEmbedder();
        var cached = new CachedEmbedder(embedder, new EmbeddingCache());
        var features = cached.Embed(texts);
        var genreIndex = movies.SelectMany(m => m.Genres).Distinct().Order().Select((g, i) => (g, i)).ToDictionary(x => x.g, x => x.i);
        var labels = movies.Select(m => m.Genres.Select(g => genreIndex[g]).ToArray()).ToArray();
        return new Catalogue($"MovieLens ({movies.Count} movies, MiniLM 384-d)", features, MiniLmEmbedder.EmbeddingDimension, labels, "genre Jaccard");
    }

    /// <summary>
    /// 20,000 WordNet noun synsets from Debian's wordnet-base, evenly spaced through data.noun, as MiniLM embeddings of
    /// "lemma: gloss" (cached on disk); the label is the synset's lexicographer file (noun.animal, noun.artifact, …).
    /// </summary>
    public static Catalogue WordNet(string path = "/usr/share/wordnet/data.noun", int count = 20_000)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path} is missing; install it with `apt-get install wordnet-base`.", path);
        // Lines that start with spaces are the licence header; data lines are "offset lex_filenum ss_type w_cnt word lex_id … | gloss".
        var synsets = File.ReadLines(path, System.Text.Encoding.Latin1).Where(l => l.Length > 0 && l[0] != ' ').ToArray();
        if (synsets.Length < count) throw new InvalidDataException($"{path}: {synsets.Length} synsets, fewer than {count}.");
        var texts = new string[count];
        var labels = new int[count][];
        for (var i = 0; i < count; i++)
        {
            var line = synsets[(int)((long)i * synsets.Length / count)];
            var fields = line.Split(' ');
            var gloss = line[(line.IndexOf('|') + 1)..].Trim();
            texts[i] = $"{fields[4].Replace('_', ' ')}: {gloss}";
            labels[i] = [int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture)];
        }
        using var embedder = new MiniLmEmbedder();
        var features = new CachedEmbedder(embedder, new EmbeddingCache()).Embed(texts);
        return new Catalogue($"WordNet ({count:N0} noun glosses, MiniLM 384-d)", features, MiniLmEmbedder.EmbeddingDimension, labels, "same lexicographer file");
    }

    /// <summary>Fashion-MNIST from Debian's dataset-fashion-mnist: the 10,000 test images, 784 pixels scaled to [0, 1], class labels.</summary>
    public static Catalogue FashionMnist(string directory = "/usr/share/datasets/fashion-mnist", int? limit = null)
    {
        var images = ReadIdx(Path.Combine(directory, "t10k-images-idx3-ubyte.gz"), out var imageDims);
        var labels = ReadIdx(Path.Combine(directory, "t10k-labels-idx1-ubyte.gz"), out _);
        var rows = Math.Min(limit ?? imageDims[0], imageDims[0]);
        var dimension = imageDims[1] * imageDims[2];
        var features = new float[rows * dimension];
        for (var i = 0; i < features.Length; i++) features[i] = images[i] / 255f;
        return new Catalogue($"Fashion-MNIST ({rows} test images, 784 pixels)", features, dimension,
            labels.Take(rows).Select(l => new[] { (int)l }).ToArray(), "same class");
    }

    // IDX: big-endian magic (0, 0, type 0x08 = ubyte, number of dimensions), one big-endian int32 per dimension, then the data.
    private static byte[] ReadIdx(string path, out int[] dims)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path} is missing; install it with `apt-get install dataset-fashion-mnist`.", path);
        using var gz = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var buffer = new MemoryStream();
        gz.CopyTo(buffer);
        var bytes = buffer.ToArray();
        if (bytes.Length < 4 || bytes[0] != 0 || bytes[1] != 0 || bytes[2] != 0x08)
            throw new InvalidDataException($"{path}: not an unsigned-byte IDX file.");
        var count = bytes[3];
        dims = new int[count];
        for (var d = 0; d < count; d++)
            dims[d] = (bytes[4 + 4 * d] << 24) | (bytes[5 + 4 * d] << 16) | (bytes[6 + 4 * d] << 8) | bytes[7 + 4 * d];
        var offset = 4 + 4 * count;
        var expected = dims.Aggregate(1L, (a, b) => a * b);
        if (bytes.Length - offset != expected) throw new InvalidDataException($"{path}: header promises {expected} values, file holds {bytes.Length - offset}.");
        return bytes[offset..];
    }
}

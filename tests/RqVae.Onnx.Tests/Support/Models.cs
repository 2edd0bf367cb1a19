using RqVae.Model;
using RqVae.Quantization;
using RqVae.ResidualKMeans;
using RqVae.Training;
using static TorchSharp.torch;

namespace RqVae.Onnx.Tests.Support;

/// <summary>Small models for the parity tests: trained ones of each kind, and RQ-VAEs whose codebooks a test chooses.</summary>
internal static class Models
{
    /// <summary>Gaussian clusters, interleaved (row-major, <paramref name="dimension"/> wide).</summary>
    public static float[] Clusters(int clusters, int perCluster, int dimension, double spread, int seed)
    {
        var random = new Random(seed);
        double Gaussian() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        var centres = new double[clusters, dimension];
        for (var c = 0; c < clusters; c++)
            for (var j = 0; j < dimension; j++)
                centres[c, j] = 3 * Gaussian();
        var features = new float[clusters * perCluster * dimension];
        for (var i = 0; i < clusters * perCluster; i++)
            for (var j = 0; j < dimension; j++)
                features[i * dimension + j] = (float)(centres[i % clusters, j] + spread * Gaussian());
        return features;
    }

    /// <summary>Uniform values in [−<paramref name="scale"/>, <paramref name="scale"/>).</summary>
    public static float[] Uniform(int rows, int dimension, double scale, int seed)
    {
        var random = new Random(seed);
        var values = new float[rows * dimension];
        for (var i = 0; i < values.Length; i++) values[i] = (float)((random.NextDouble() * 2 - 1) * scale);
        return values;
    }

    /// <summary>An RQ-VAE trained for a few epochs on <paramref name="features"/>.</summary>
    public static RqVaeTokenizer TrainedRqVae(float[] features, int dimension, bool cosine = false)
    {
        var options = new RqVaeTrainerOptions
        {
            Model = new RqVaeOptions
            {
                HiddenDimensions = [48, 24],
                LatentDimension = 8,
                Quantization = new QuantizerOptions { Levels = 3, CodebookSize = 16, CosineCodebooks = cosine },
            },
            Epochs = 3,
            BatchSize = 64,
            EvaluateEvery = 0,
            Threads = 1,
        };
        return new RqVaeTrainer(options).Fit(features, dimension).Tokenizer;
    }

    /// <summary>Residual k-means fitted on <paramref name="features"/>.</summary>
    public static ResidualKMeansTokenizer TrainedResidualKMeans(float[] features, int dimension, int levels = 3, int codebookSize = 16)
        => new ResidualKMeansTrainer(new ResidualKMeansOptions { Levels = levels, CodebookSize = codebookSize, KMeansIterations = 10, ProgressiveDimensionSteps = 2, Seed = 7 }).Fit(features, dimension);

    /// <summary>
    /// An RQ-VAE whose encoder is one Linear layer set to the identity (so its latent is its input, exactly: each output
    /// is one product by 1 plus products by 0) and whose codebooks are <paramref name="codebooks"/> ([K, D] each, row-major):
    /// a test then places items exactly where it wants them in the quantizer's space.
    /// </summary>
    public static RqVaeTokenizer WithCodebooks(int dimension, int codebookSize, IReadOnlyList<float[]> codebooks, bool cosine = false)
    {
        var module = new RqVaeModule(new RqVaeOptions
        {
            InputDimension = dimension,
            HiddenDimensions = [],
            LatentDimension = dimension,
            Quantization = new QuantizerOptions { Levels = codebooks.Count, CodebookSize = codebookSize, CosineCodebooks = cosine },
        });
        using (no_grad())
        {
            var linear = module.Encoder.parameters().ToArray();
            linear[0].copy_(eye(dimension));
            linear[1].zero_();
            for (var l = 0; l < codebooks.Count; l++)
            {
                using var codes = tensor(codebooks[l], [codebookSize, dimension]);
                module.Quantizer.Levels[l].SetCodebook(codes);
            }
        }
        return new RqVaeTokenizer(module);
    }

    /// <summary>The graph of <paramref name="tokenizer"/> opened in ONNX Runtime.</summary>
    public static OnnxIdEncoder Onnx(Tokenizers.ISemanticIdTokenizer tokenizer, OnnxRuntimeOptions? options = null)
    {
        using var stream = new MemoryStream();
        Google.Protobuf.MessageExtensions.WriteTo(OnnxExporter.Export(tokenizer), stream);
        return new OnnxIdEncoder(stream.ToArray(), options);
    }

    /// <summary>The IDs the tool gives: the encoder <c>rqvae encode</c> uses (the fast encoder for a greedy RQ-VAE).</summary>
    public static SemanticIds.SemanticIdTable ToolIds(Tokenizers.ISemanticIdTokenizer tokenizer, ReadOnlySpan<float> features)
    {
        using var encoder = tokenizer.CreateEncoder(new Tokenizers.EncodingOptions());
        return encoder.Encode(features);
    }
}

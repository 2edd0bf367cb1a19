using Microsoft.ML.OnnxRuntime;
using RqVae.SemanticIds;
using RqVae.Tokenizers;

namespace RqVae.Onnx;

/// <summary>
/// Semantic IDs from an exported graph run in ONNX Runtime, as an <see cref="IIdEncoder"/>: what a user of the
/// exported file gets, and what <c>rqvae export --verify</c> compares with the tool. One session, opened once.
/// Not thread-safe (it reuses an input buffer): use one per thread. Dispose it to close the session.
/// </summary>
public sealed class OnnxIdEncoder : IIdEncoder
{
    private readonly InferenceSession session;
    private readonly SessionOptions sessionOptions;
    private readonly RunOptions runOptions = new();
    private readonly string[] outputNames = [OnnxExporter.CodesOutput];
    private float[] buffer = [];

    /// <summary>Opens the graph in <paramref name="model"/> (the bytes of an .onnx file).</summary>
    /// <exception cref="OnnxExportException">The graph is not one rqvae exported (no rqvae metadata).</exception>
    public OnnxIdEncoder(byte[] model, OnnxRuntimeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        Options = (options ?? new OnnxRuntimeOptions()).Validate();
        sessionOptions = new SessionOptions { GraphOptimizationLevel = Options.OptimizationLevel, IntraOpNumThreads = Options.IntraOpThreads };
        try
        {
            session = new InferenceSession(model, sessionOptions);
            var meta = session.ModelMetadata;
            Metadata = OnnxModelMetadata.From(meta.ProducerName, meta.CustomMetadataMap)
                ?? throw new OnnxExportException("The ONNX model was not exported by rqvae (its producer or its rqvae.* metadata is missing).");
        }
        catch
        {
            session?.Dispose();
            sessionOptions.Dispose();
            runOptions.Dispose();
            throw;
        }
    }

    /// <summary>What the graph records about its model.</summary>
    public OnnxModelMetadata Metadata { get; }

    /// <summary>The options in force.</summary>
    public OnnxRuntimeOptions Options { get; }

    /// <inheritdoc />
    public int BeamWidth => 1;

    /// <inheritdoc />
    public bool IsSavedEncoding => true;

    /// <inheritdoc />
    public string Description => "greedy encoding, ONNX Runtime";

    /// <inheritdoc />
    public SemanticIdTable Encode(ReadOnlySpan<float> features)
    {
        var dimension = Metadata.InputDimension;
        if (features.Length % dimension != 0)
            throw new ArgumentException($"{features.Length} values are not a whole number of rows of width {dimension}; the features do not fit this model.", nameof(features));
        var rows = features.Length / dimension;
        var levels = Metadata.Levels;
        var codes = new int[rows * levels];
        for (var start = 0; start < rows; start += Options.BatchSize)
        {
            var count = Math.Min(Options.BatchSize, rows - start);
            if (buffer.Length != count * dimension) buffer = new float[count * dimension];
            features.Slice(start * dimension, count * dimension).CopyTo(buffer);
            using var input = OrtValue.CreateTensorValueFromMemory(buffer, [count, dimension]);
            using var results = session.Run(runOptions, [OnnxGraph.Features], [input], outputNames);
            var ids = results[0].GetTensorDataAsSpan<long>();
            var target = codes.AsSpan(start * levels, count * levels);
            for (var i = 0; i < target.Length; i++) target[i] = checked((int)ids[i]);
        }
        return new SemanticIdTable(codes, levels);
    }

    /// <summary>The graph's <c>latent</c> output for the rows of <paramref name="features"/>, row-major.</summary>
    public float[] Latents(ReadOnlySpan<float> features)
    {
        var rows = features.Length / Metadata.InputDimension;
        using var input = OrtValue.CreateTensorValueFromMemory(features.ToArray(), [rows, Metadata.InputDimension]);
        using var results = session.Run(runOptions, [OnnxGraph.Features], [input], [OnnxExporter.LatentOutput]);
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        session.Dispose();
        sessionOptions.Dispose();
        runOptions.Dispose();
    }
}

using System.Security.Cryptography;
using System.Text;
using RqVae.Text;

namespace RqVae.Text.Tests.Support;

/// <summary>
/// Records every text that reaches the model. Wraps a real embedder, or, when none is given, makes a
/// cheap deterministic vector from the text's hash so cache mechanics can be tested without ONNX.
/// </summary>
internal sealed class CountingEmbedder(ITextEmbedder? inner = null, string modelId = "fake-model/1", int dimension = 8) : ITextEmbedder
{
    public List<string> EmbeddedTexts { get; } = [];
    public int Calls { get; private set; }

    public int Dimension => inner?.Dimension ?? dimension;
    public string ModelId => inner?.ModelId ?? modelId;

    public float[] Embed(IReadOnlyList<string> texts, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        Calls++;
        EmbeddedTexts.AddRange(texts);
        if (inner is not null) return inner.Embed(texts, progress, cancellationToken);

        var vectors = new float[texts.Count * dimension];
        for (var i = 0; i < texts.Count; i++)
        {
            var hash = SHA256.HashData(Encoding.UTF8.GetBytes(ModelId + "|" + texts[i]));
            for (var d = 0; d < dimension; d++) vectors[i * dimension + d] = hash[d] / 255f - 0.5f;
        }
        progress?.Report(texts.Count);
        return vectors;
    }
}

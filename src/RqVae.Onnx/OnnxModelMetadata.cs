using Onnx;

namespace RqVae.Onnx;

/// <summary>
/// What an exported graph records about the model it came from, as ONNX <c>metadata_props</c> (readable with
/// <c>onnxruntime.InferenceSession(path).get_modelmeta().custom_metadata_map</c>): the keys, and reading them back.
/// </summary>
/// <param name="Kind">The tokenizer kind ("rqvae", "residual-kmeans").</param>
/// <param name="WeightsSha256">SHA-256 of the model's weights file (hex), as in its config.json.</param>
/// <param name="ModelSha256">The model's identity (settings and weights) that the tool's ID tables record.</param>
/// <param name="ToolVersion">The rqvae version that exported it.</param>
/// <param name="Levels">L, codes per ID.</param>
/// <param name="CodebookSize">K, codes per level.</param>
/// <param name="InputDimension">Width of <c>features</c>.</param>
/// <param name="CodeDimension">Width of <c>latent</c>.</param>
/// <param name="Encoding">How codes are chosen: "greedy" (nearest code per level; ties to the lowest code).</param>
public sealed record OnnxModelMetadata(string Kind, string WeightsSha256, string ModelSha256, string ToolVersion,
    int Levels, int CodebookSize, int InputDimension, int CodeDimension, string Encoding)
{
    /// <summary>The ONNX <c>producer_name</c> of exported graphs; <c>--overwrite</c> replaces only files that carry it.</summary>
    public const string ProducerName = "rqvae";

    private const string Prefix = "rqvae.";

    /// <summary>Writes the metadata into <paramref name="model"/>'s <c>metadata_props</c>.</summary>
    public void WriteTo(ModelProto model)
    {
        ArgumentNullException.ThrowIfNull(model);
        foreach (var (key, value) in Pairs())
            model.MetadataProps.Add(new StringStringEntryProto { Key = Prefix + key, Value = value });
    }

    /// <summary>The metadata recorded in <paramref name="model"/>, or null when it was not exported by rqvae.</summary>
    public static OnnxModelMetadata? ReadFrom(ModelProto model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return From(model.ProducerName, model.MetadataProps.ToDictionary(p => p.Key, p => p.Value));
    }

    /// <summary>The metadata in a map of <c>metadata_props</c> (as ONNX Runtime's <c>CustomMetadataMap</c> gives it), or null when a key is missing.</summary>
    public static OnnxModelMetadata? From(string producer, IReadOnlyDictionary<string, string> props)
    {
        ArgumentNullException.ThrowIfNull(props);
        if (producer != ProducerName) return null;
        string? Get(string key) => props.TryGetValue(Prefix + key, out var value) ? value : null;
        int? Int(string key) => int.TryParse(Get(key), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : null;
        if (Get("kind") is not { } kind || Get("weights_sha256") is not { } weights || Get("model_sha256") is not { } identity
            || Get("tool_version") is not { } version || Int("levels") is not { } levels || Int("codebook_size") is not { } k
            || Int("input_dimension") is not { } input || Int("code_dimension") is not { } code || Get("encoding") is not { } encoding)
            return null;
        return new OnnxModelMetadata(kind, weights, identity, version, levels, k, input, code, encoding);
    }

    private IEnumerable<(string, string)> Pairs()
    {
        var c = System.Globalization.CultureInfo.InvariantCulture;
        yield return ("kind", Kind);
        yield return ("weights_sha256", WeightsSha256);
        yield return ("model_sha256", ModelSha256);
        yield return ("tool_version", ToolVersion);
        yield return ("levels", Levels.ToString(c));
        yield return ("codebook_size", CodebookSize.ToString(c));
        yield return ("input_dimension", InputDimension.ToString(c));
        yield return ("code_dimension", CodeDimension.ToString(c));
        yield return ("encoding", Encoding);
    }
}

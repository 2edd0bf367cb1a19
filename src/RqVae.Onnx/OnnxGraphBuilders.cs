using RqVae.Registries;

namespace RqVae.Onnx;

/// <summary>
/// The registry of <see cref="IOnnxGraphBuilder"/>s, one per tokenizer kind: every public, non-abstract builder of this
/// library with a parameterless constructor is found by reflection; builders from other assemblies join with
/// <see cref="Register"/>. Thread-safe.
/// </summary>
public static class OnnxGraphBuilders
{
    private static readonly NamedRegistry<IOnnxGraphBuilder> Registry = new(
        typeof(OnnxGraphBuilders).Assembly, b => b.Kind, kind => $"An ONNX graph builder for kind \"{kind}\" is registered already.");

    /// <summary>The builders, by kind name.</summary>
    public static IReadOnlyList<IOnnxGraphBuilder> All => Registry.All;

    /// <summary>Adds a builder from another assembly; refuses a kind that has one already.</summary>
    public static void Register(IOnnxGraphBuilder builder) => Registry.Register(builder);

    /// <summary>The builder for tokenizers of kind <paramref name="kind"/>.</summary>
    /// <exception cref="OnnxExportException">No builder exports that kind; the message lists the kinds that export.</exception>
    public static IOnnxGraphBuilder For(string kind)
        => Registry.Find(kind)
            ?? throw new OnnxExportException($"Models of kind \"{kind}\" cannot be exported to ONNX; kinds that can: {string.Join(", ", All.Select(b => b.Kind))}.");

}

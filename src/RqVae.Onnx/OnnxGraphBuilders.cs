using System.Reflection;

namespace RqVae.Onnx;

/// <summary>
/// The registry of <see cref="IOnnxGraphBuilder"/>s, one per tokenizer kind: every public, non-abstract builder of this
/// library with a parameterless constructor is found by reflection; builders from other assemblies join with
/// <see cref="Register"/>. Thread-safe.
/// </summary>
public static class OnnxGraphBuilders
{
    private static readonly Lock Gate = new();
    private static List<IOnnxGraphBuilder> builders = Discover(typeof(OnnxGraphBuilders).Assembly);

    /// <summary>The builders, by kind name.</summary>
    public static IReadOnlyList<IOnnxGraphBuilder> All
    {
        get
        {
            lock (Gate) return builders.ToArray();
        }
    }

    /// <summary>Adds a builder from another assembly; refuses a kind that has one already.</summary>
    public static void Register(IOnnxGraphBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        lock (Gate)
        {
            if (builders.Any(b => b.Kind == builder.Kind)) throw new ArgumentException($"An ONNX graph builder for kind \"{builder.Kind}\" is registered already.", nameof(builder));
            builders = [.. builders, builder];
        }
    }

    /// <summary>The builder for tokenizers of kind <paramref name="kind"/>.</summary>
    /// <exception cref="OnnxExportException">No builder exports that kind; the message lists the kinds that export.</exception>
    public static IOnnxGraphBuilder For(string kind)
        => All.FirstOrDefault(b => string.Equals(b.Kind, kind, StringComparison.Ordinal))
            ?? throw new OnnxExportException($"Models of kind \"{kind}\" cannot be exported to ONNX; kinds that can: {string.Join(", ", All.Select(b => b.Kind))}.");

    private static List<IOnnxGraphBuilder> Discover(Assembly assembly) =>
        [.. assembly.GetExportedTypes()
            .Where(t => t is { IsAbstract: false, IsInterface: false } && typeof(IOnnxGraphBuilder).IsAssignableFrom(t) && t.GetConstructor(Type.EmptyTypes) is not null)
            .Select(t => (IOnnxGraphBuilder)Activator.CreateInstance(t)!)
            .OrderBy(b => b.Kind, StringComparer.Ordinal)];
}

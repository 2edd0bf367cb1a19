using System.Reflection;
using RqVae.Model;

namespace RqVae.Recommender;

/// <summary>
/// The registry of recommender kinds: every public, non-abstract <see cref="IRecommenderKind"/> of this library with a
/// parameterless constructor is found by reflection, so a new kind is one file; kinds from other assemblies join with
/// <see cref="Register"/>. Loading a saved recommender goes through here, by the <c>kind</c> in its recommender.json.
/// Thread-safe.
/// </summary>
public static class RecommenderKinds
{
    private static readonly object Gate = new();
    private static List<IRecommenderKind> kinds = Discover(typeof(RecommenderKinds).Assembly);

    /// <summary>The kinds, by name.</summary>
    public static IReadOnlyList<IRecommenderKind> All
    {
        get
        {
            lock (Gate) return kinds.ToArray();
        }
    }

    /// <summary>Adds a kind from another assembly; refuses a name already taken.</summary>
    public static void Register(IRecommenderKind kind)
    {
        ArgumentNullException.ThrowIfNull(kind);
        lock (Gate)
        {
            if (kinds.Any(k => k.Name == kind.Name)) throw new ArgumentException($"A recommender kind named \"{kind.Name}\" is registered already.", nameof(kind));
            kinds = [.. kinds, kind];
        }
    }

    /// <summary>The kind named <paramref name="name"/>, or null.</summary>
    public static IRecommenderKind? Find(string name) => All.FirstOrDefault(k => string.Equals(k.Name, name, StringComparison.Ordinal));

    /// <summary>The kind named <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">No kind has that name; the message lists the known ones.</exception>
    public static IRecommenderKind Get(string name) => Find(name)
        ?? throw new ArgumentException($"\"{name}\" is not a recommender kind; known kinds: {string.Join(", ", All.Select(k => k.Name))}.", nameof(name));

    /// <summary>Loads the recommender saved in <paramref name="directory"/> with the kind its recommender.json names.</summary>
    /// <exception cref="ModelFormatException">Not a recommender folder, an unknown kind, or one that does not load; the message names the file.</exception>
    public static IRecommender Load(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!Directory.Exists(directory)) throw new ModelFormatException(directory, "no such directory. Pass the folder that `rqvae recommend train` wrote.");
        var config = RecommenderConfig.Read(directory);
        var kind = Find(config.Kind)
            ?? throw new ModelFormatException(Path.Combine(directory, RecommenderConfig.FileName), $"kind \"{config.Kind}\" is not a recommender kind this version knows ({string.Join(", ", All.Select(k => k.Name))}).");
        return kind.Load(directory, config);
    }

    private static List<IRecommenderKind> Discover(Assembly assembly) =>
        [.. assembly.GetExportedTypes()
            .Where(t => t is { IsAbstract: false, IsInterface: false } && typeof(IRecommenderKind).IsAssignableFrom(t) && t.GetConstructor(Type.EmptyTypes) is not null)
            .Select(t => (IRecommenderKind)Activator.CreateInstance(t)!)
            .OrderBy(k => k.Name, StringComparer.Ordinal)];
}

using RqVae.Model;
using RqVae.Registries;

namespace RqVae.Recommender;

/// <summary>
/// The registry of recommender kinds: every public, non-abstract <see cref="IRecommenderKind"/> of this library with a
/// parameterless constructor is found by reflection, so a new kind is one file; kinds from other assemblies join with
/// <see cref="Register"/>. Loading a saved recommender goes through here, by the <c>kind</c> in its recommender.json.
/// Thread-safe.
/// </summary>
public static class RecommenderKinds
{
    private static readonly NamedRegistry<IRecommenderKind> Registry = new(
        typeof(RecommenderKinds).Assembly, k => k.Name, name => $"A recommender kind named \"{name}\" is registered already.");

    /// <summary>The kinds, by name.</summary>
    public static IReadOnlyList<IRecommenderKind> All => Registry.All;

    /// <summary>Adds a kind from another assembly; refuses a name already taken.</summary>
    public static void Register(IRecommenderKind kind) => Registry.Register(kind);

    /// <summary>The kind named <paramref name="name"/>, or null.</summary>
    public static IRecommenderKind? Find(string name) => Registry.Find(name);

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

}

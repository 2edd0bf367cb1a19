using RqVae.Model;
using RqVae.Registries;

namespace RqVae.Tokenizers;

/// <summary>
/// The registry of tokenizer kinds: every public, non-abstract <see cref="ITokenizerKind"/> of this library with a
/// parameterless constructor is found by reflection, so a new kind is one file; kinds from other assemblies join
/// with <see cref="Register"/>. Loading a model folder goes through here, by the <c>kind</c> in its config.json.
/// Thread-safe.
/// </summary>
public static class TokenizerKinds
{
    private static readonly NamedRegistry<ITokenizerKind> Registry = new(
        typeof(TokenizerKinds).Assembly, k => k.Name, name => $"A tokenizer kind named \"{name}\" is registered already.",
        found => found.OrderBy(k => k.Name == RqVaeTokenizer.KindName ? 0 : 1).ThenBy(k => k.Name, StringComparer.Ordinal));

    /// <summary>The kinds: the default first, then the library's others by name, then registered ones.</summary>
    public static IReadOnlyList<ITokenizerKind> All => Registry.All;

    /// <summary>The default kind for training: the RQ-VAE.</summary>
    public static ITokenizerKind Default => Get(RqVaeTokenizer.KindName);

    /// <summary>Adds a kind from another assembly; refuses a name already taken.</summary>
    public static void Register(ITokenizerKind kind) => Registry.Register(kind);

    /// <summary>The kind named <paramref name="name"/>, or null.</summary>
    public static ITokenizerKind? Find(string name) => Registry.Find(name);

    /// <summary>The kind named <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">No kind has that name; the message lists the known ones.</exception>
    public static ITokenizerKind Get(string name) => Find(name)
        ?? throw new ArgumentException($"\"{name}\" is not a tokenizer kind; known kinds: {string.Join(", ", All.Select(k => k.Name))}.", nameof(name));

    /// <summary>Loads the model folder <paramref name="directory"/> with the kind its config.json names.</summary>
    /// <exception cref="ModelFormatException">Not a model folder, an unknown kind, or a model that does not load; the message names the file.</exception>
    /// <remarks>
    /// The weights are read once, checked against the hash of the config read before them, and loaded from those same
    /// bytes, so the model is always one generation of the folder. When the folder is replaced between the two reads
    /// (a training run swapping in a new model), the check fails; the load then starts again from the config as it is now,
    /// up to ten times with a growing pause, so a folder that keeps changing, or a broken model, is refused rather than
    /// read forever.
    /// </remarks>
    public static ISemanticIdTokenizer Load(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        const int attempts = 10;
        for (var attempt = 1; ; attempt++)
        {
            if (!Directory.Exists(directory)) throw new ModelFormatException(directory, "no such directory. Pass the folder that `rqvae train` wrote.");
            var configPath = Path.Combine(directory, ModelFiles.ConfigFileName);
            var config = ModelConfig.Read(configPath);
            var kind = Find(config.Kind)
                ?? throw new ModelFormatException(configPath, $"kind \"{config.Kind}\" is not a model kind this version knows ({string.Join(", ", All.Select(k => k.Name))}); it may come from a newer rqvae.");
            try
            {
                return kind.Load(directory, config, configPath);
            }
            // Not only when config.json changed since it was read: a folder swapped twice between the reads is back to
            // the config read first, yet the weights came from the other generation. A model that is really broken
            // fails every attempt and is refused after the last one.
            catch (ModelFormatException) when (attempt < attempts)
            {
                Thread.Sleep(TimeSpan.FromMilliseconds(2 * attempt));
            }
        }
    }

}

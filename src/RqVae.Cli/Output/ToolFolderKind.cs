using System.Text.Json;
using RqVae.Model;

namespace RqVae.Cli.Output;

/// <summary>
/// A kind of folder the tool fills, recognised by what the tool writes into it, so that <c>--overwrite</c>
/// replaces such a folder and nothing else: a folder holding anything the tool does not write there is
/// somebody else's, and replacing it would delete their files.
/// </summary>
internal abstract class ToolFolderKind
{
    /// <summary>A model folder of <c>rqvae train</c>.</summary>
    public static ToolFolderKind Model { get; } = new ModelKind();

    /// <summary>A run folder of <c>rqvae movielens</c>: model/ (a model folder), ids.csv (+ .meta.json), movies.csv.</summary>
    public static ToolFolderKind MovieLensRun { get; } = new MovieLensRunKind();

    /// <summary>What the folder is called in messages.</summary>
    public abstract string Description { get; }

    /// <summary>
    /// Why <paramref name="folder"/> is not a folder of this kind, naming the entry through <paramref name="shownAs"/>
    /// (the folder as the user wrote it); null when every entry in it is one the tool writes there.
    /// </summary>
    public abstract string? WhyForeign(string folder, string shownAs);

    /// <summary>Whether <paramref name="folder"/> holds a config.json of the tool's model format.</summary>
    public static bool IsModelFolder(string folder)
    {
        var config = Path.Combine(folder, ModelDirectory.ConfigFile);
        if (!File.Exists(config)) return false;
        try
        {
            using var stream = File.OpenRead(config);
            if (stream.Length > 1 << 20) return false;
            using var json = JsonDocument.Parse(stream);
            return json.RootElement.ValueKind == JsonValueKind.Object
                && json.RootElement.TryGetProperty("format", out var format)
                && format.ValueKind == JsonValueKind.String
                && format.GetString() == ModelConfig.FormatName;
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static string Show(string shownAs, string name) => Path.Combine(shownAs, name);

    private static string NotWritten(string shownAs, string name, string kind)
        => $"'{Show(shownAs, name)}' was not written by rqvae (it is not part of {kind})";

    /// <summary>A temporary file of an atomic write of one of <paramref name="isToolFile"/>'s files.</summary>
    private static bool IsTemporaryOf(string name, Func<string, bool> isToolFile)
        => StaleTemporaryFiles.TryParse(name, out var target, out _) && isToolFile(target);

    private sealed class ModelKind : ToolFolderKind
    {
        public override string Description => "a model folder";

        private static bool IsToolFile(string name) => ModelDirectory.IsLayoutFile(name);

        public override string? WhyForeign(string folder, string shownAs)
        {
            foreach (var entry in Directory.EnumerateFileSystemEntries(folder).Order(StringComparer.Ordinal))
            {
                var name = Path.GetFileName(entry);
                if (Directory.Exists(entry))
                    return $"'{Show(shownAs, name)}' is a folder, and rqvae writes no folder inside a model folder";
                if (!IsToolFile(name) && !IsTemporaryOf(name, IsToolFile))
                    return NotWritten(shownAs, name, Description);
            }
            if (File.Exists(Path.Combine(folder, "config.json")))
                return IsModelFolder(folder) ? null : $"'{Show(shownAs, "config.json")}' is not an rqvae model configuration (its \"format\" is not \"{ModelConfig.FormatName}\")";
            // A run stopped before its first weights checkpoint leaves only its training state.
            return File.Exists(Path.Combine(folder, "training.ckpt")) ? null : $"'{shownAs}' holds neither config.json nor training.ckpt, so it is not {Description}";
        }
    }

    private sealed class MovieLensRunKind : ToolFolderKind
    {
        private static readonly HashSet<string> Files = new(StringComparer.Ordinal) { "ids.csv", "ids.csv.meta.json", "movies.csv" };

        public override string Description => "a movielens run folder";

        public override string? WhyForeign(string folder, string shownAs)
        {
            var model = Path.Combine(folder, "model");
            if (!Directory.Exists(model)) return $"'{shownAs}' has no model/ folder, so it is not {Description}";
            foreach (var entry in Directory.EnumerateFileSystemEntries(folder).Order(StringComparer.Ordinal))
            {
                var name = Path.GetFileName(entry);
                if (name == "model" && Directory.Exists(entry)) continue;
                if (Directory.Exists(entry) || (!Files.Contains(name) && !IsTemporaryOf(name, Files.Contains)))
                    return NotWritten(shownAs, name, Description);
            }
            return Model.WhyForeign(model, Show(shownAs, "model"));
        }
    }
}

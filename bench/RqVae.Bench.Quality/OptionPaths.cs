using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace RqVae.Bench.Quality;

/// <summary>
/// Changes an options record by property paths (<c>WarmupFraction</c>, <c>Model.CommitmentWeight</c>) through its JSON
/// form, so that a sweep can reach any documented option without a flag of its own; the record's own validation still
/// runs when the trainer starts.
/// </summary>
internal static class OptionPaths
{
    private static readonly JsonSerializerOptions Json = new() { Converters = { new JsonStringEnumConverter() } };

    public static T With<T>(T options, IReadOnlyDictionary<string, string> settings)
    {
        if (settings.Count == 0) return options;
        var root = JsonSerializer.SerializeToNode(options, Json)!.AsObject();
        foreach (var (path, value) in settings)
        {
            var names = path.Split('.');
            var node = root;
            foreach (var name in names[..^1])
                node = node[name]?.AsObject() ?? throw new ArgumentException($"--set {path}: no option group \"{name}\".");
            if (!node.ContainsKey(names[^1])) throw new ArgumentException($"--set {path}: no option \"{names[^1]}\".");
            node[names[^1]] = Parse(value);
        }
        return root.Deserialize<T>(Json) ?? throw new InvalidOperationException("The options did not round-trip.");
    }

    // Numbers, booleans and lists as JSON; anything else (an enum's name) as a string.
    private static JsonNode? Parse(string value)
    {
        try { return JsonNode.Parse(value); }
        catch (JsonException) { return JsonValue.Create(value); }
    }
}

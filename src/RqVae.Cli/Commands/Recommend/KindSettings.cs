using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using RqVae.Recommender;

namespace RqVae.Cli.Commands.Recommend;

/// <summary>
/// <c>--set name=value</c>: changes one setting of the chosen kind's options record (names as in recommender.json,
/// snake_case, or as in the record, PascalCase); the record's own validation then checks the value.
/// </summary>
internal static class KindSettings
{
    public static object Apply(IRecommenderKind kind, IReadOnlyList<string> settings)
    {
        var options = kind.CreateDefaultOptions();
        if (settings.Count == 0) return kind.ValidateOptions(options);
        var json = JsonSerializer.SerializeToNode(options, kind.OptionsType, RecommenderConfig.JsonOptions)!.AsObject();
        foreach (var setting in settings)
        {
            var eq = setting.IndexOf('=');
            if (eq <= 0) throw new CliException($"--set {setting}: write name=value, e.g. --set epochs=50.", ExitCodes.Usage);
            var name = JsonNamingPolicy.SnakeCaseLower.ConvertName(setting[..eq].Trim());
            var value = setting[(eq + 1)..].Trim();
            if (!json.ContainsKey(name))
                throw new CliException($"--set {setting}: {kind.DisplayName} has no setting '{name}'; its settings: {string.Join(", ", json.Select(p => $"{p.Key} (default {p.Value?.ToJsonString()})"))}.", ExitCodes.Usage);
            json[name] = json[name] switch
            {
                JsonValue v when v.GetValueKind() == JsonValueKind.String => JsonValue.Create(value),
                JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => bool.TryParse(value, out var b) ? JsonValue.Create(b)
                    : throw new CliException($"--set {setting}: '{name}' takes true or false.", ExitCodes.Usage),
                _ => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _) ? JsonNode.Parse(value)
                    : throw new CliException($"--set {setting}: '{name}' takes a number.", ExitCodes.Usage),
            };
        }
        object? result;
        try
        {
            result = json.Deserialize(kind.OptionsType, RecommenderConfig.JsonOptions);
        }
        catch (JsonException e)
        {
            throw new CliException($"--set: a value does not fit {kind.DisplayName}'s settings ({e.Message}).", ExitCodes.Usage);
        }
        try
        {
            return kind.ValidateOptions(result!);
        }
        catch (ArgumentException e)
        {
            throw new CliException($"--set: {e.Message}", ExitCodes.Usage);
        }
    }
}

using System.CommandLine;
using System.Globalization;
using System.Reflection;
using System.Text;
using RqVae.Model;
using RqVae.Quantization;
using RqVae.Tokenizers;
using RqVae.Training;

namespace RqVae.Cli.Options;

/// <summary>
/// One command-line option for every public setting of every tokenizer kind's options (and of the records nested
/// in them, such as the RQ-VAE's architecture and its quantizer, under their own names), found by reflection: a setting added to the library, or a new kind,
/// appears on <c>rqvae train --help</c> without touching the tool, with the library's own summary and default.
/// Kinds that share a setting's name share its option. Only options the user actually typed are applied; everything
/// else keeps the defaults of the options object the command starts from, and a typed setting that the chosen
/// kind does not have is refused rather than ignored.
/// </summary>
internal sealed class TrainerOptionSet
{
    // Settings that come from the data or that the tool sets itself.
    private static readonly HashSet<string> NotOptions = [nameof(RqVaeOptions.InputDimension)];

    // Shorter or clearer spellings for a few settings, plus the common names people look for.
    private static readonly Dictionary<string, string[]> Aliases = new()
    {
        [nameof(RqVaeOptions.CommitmentWeight)] = ["--beta"],
        [nameof(RqVaeTrainerOptions.LearningRate)] = ["--lr"],
        [nameof(QuantizerOptions.CodebookSize)] = ["-k"],
    };

    private readonly IReadOnlyList<ITokenizerKind> kinds;
    private readonly List<SharedOption> options = [];
    private readonly List<string> unsupported = [];

    // One option and, per kind that has the setting, where it lives in that kind's options and its default there.
    private sealed record SharedOption(Option Option, Func<ParseResult, object?> Read, string Summary, Type Type)
    {
        public List<(ITokenizerKind Kind, PropertyInfo[] Path, object? Default)> Bindings { get; } = [];
    }

    /// <summary>Creates the options of every kind in <paramref name="kinds"/>, showing in help the defaults <paramref name="defaults"/> gives for each.</summary>
    public TrainerOptionSet(IReadOnlyList<ITokenizerKind> kinds, Func<ITokenizerKind, object> defaults)
    {
        ArgumentNullException.ThrowIfNull(kinds);
        ArgumentNullException.ThrowIfNull(defaults);
        this.kinds = kinds;
        foreach (var kind in kinds) AddProperties(kind, kind.OptionsType, defaults(kind), []);
        foreach (var shared in options) shared.Option.Description = Describe(shared);
    }

    /// <summary>The options, in declaration order, the default kind's first.</summary>
    public IEnumerable<Option> Options => options.Select(o => o.Option);

    /// <summary>Settings of a type this class cannot turn into an option (should stay empty; a test checks it).</summary>
    public IReadOnlyList<string> Unsupported => unsupported;

    /// <summary>Adds every option to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        foreach (var shared in options) command.Options.Add(shared.Option);
    }

    /// <summary>The options that apply to <paramref name="kind"/>, for help and messages.</summary>
    public IEnumerable<string> OptionNames(ITokenizerKind kind)
        => options.Where(o => o.Bindings.Any(b => b.Kind == kind)).Select(o => o.Option.Name);

    /// <summary>
    /// Returns <paramref name="start"/> (a fresh options object of <paramref name="kind"/> that the caller owns) with every
    /// option the user typed applied to it; a typed option of another kind is refused. Validation is left to the kind.
    /// </summary>
    public object Apply(ParseResult parse, ITokenizerKind kind, object start)
    {
        ArgumentNullException.ThrowIfNull(start);
        var result = Copy(start);
        foreach (var shared in options)
        {
            if (parse.GetResult(shared.Option) is not { Implicit: false }) continue;
            var binding = shared.Bindings.FirstOrDefault(b => b.Kind == kind);
            if (binding.Kind is null)
            {
                var owners = string.Join(" and ", shared.Bindings.Select(b => b.Kind.DisplayName).Distinct());
                throw new CliException($"{shared.Option.Name} is {Article(owners)} {owners} setting; {kind.DisplayName} (--tokenizer {kind.Name}) takes only {string.Join(", ", OptionNames(kind))}. " +
                                       $"Drop {shared.Option.Name}, or choose the tokenizer it belongs to.", ExitCodes.Usage);
            }
            object target = result;
            for (var i = 0; i < binding.Path.Length - 1; i++) target = binding.Path[i].GetValue(target)!;
            binding.Path[^1].SetValue(target, shared.Read(parse));
        }
        return result;
    }

    // "an RQ-VAE", "a residual k-means": an initialism is read by its letters' names.
    private static string Article(string words)
    {
        var initialism = words.Length > 1 && char.IsUpper(words[0]) && char.IsUpper(words[1]);
        return (initialism ? "AEFHILMNORSX" : "aeiouAEIOU").Contains(words[0]) ? "an" : "a";
    }

    // Records are copied with their nested settings records, so applying options never changes the caller's defaults.
    private static object Copy(object value)
    {
        var clone = value.GetType().GetMethod("<Clone>$")?.Invoke(value, null) ?? value;
        foreach (var property in clone.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
            if (property.CanWrite && property.GetSetMethod() is not null && IsSettingsRecord(property.PropertyType) && property.GetValue(clone) is { } nested)
                property.SetValue(clone, Copy(nested));
        return clone;
    }

    private void AddProperties(ITokenizerKind kind, Type type, object defaults, PropertyInfo[] path)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (!property.CanWrite || property.GetSetMethod() is null || NotOptions.Contains(property.Name)) continue;
            var propertyPath = path.Append(property).ToArray();
            var value = property.GetValue(defaults);
            var valueType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (IsSettingsRecord(valueType))
            {
                if (value is null) { unsupported.Add(property.Name); continue; }
                // Nested settings records are flattened (--levels, not --model-quantization-levels): how the library
                // groups its settings is not something to type, and the names are unique within a kind.
                AddProperties(kind, valueType, value, propertyPath);
                continue;
            }
            var name = "--" + KebabCase(property.Name);
            var shared = options.FirstOrDefault(o => o.Option.Name == name);
            if (shared is not null && shared.Bindings.Any(b => b.Kind == kind))
            {
                // Two settings of one kind would land on one flag; refuse rather than set only one of them.
                unsupported.Add($"{property.Name} ({kind.Name}: the name is taken by another of its settings)");
                continue;
            }
            if (shared is null)
            {
                if (CreateOption(property.PropertyType, name, Aliases.GetValueOrDefault(property.Name) ?? []) is not var (option, read))
                {
                    unsupported.Add(property.Name);
                    continue;
                }
                shared = new SharedOption(option, read, XmlDocs.Summary(property) ?? SplitWords(property.Name) + ".", property.PropertyType);
                options.Add(shared);
            }
            else if (shared.Type != property.PropertyType)
            {
                unsupported.Add($"{property.Name} ({kind.Name}: {property.PropertyType.Name}, elsewhere {shared.Type.Name})");
                continue;
            }
            shared.Bindings.Add((kind, propertyPath, value));
        }
    }

    private static bool IsSettingsRecord(Type type)
        => type.IsClass && type != typeof(string) && type.Namespace?.StartsWith("RqVae", StringComparison.Ordinal) == true
           && type.GetConstructor(Type.EmptyTypes) is not null;

    // The library's summary, the kinds that have the setting when not every kind does, and each kind's default.
    private string Describe(SharedOption shared)
    {
        var owners = shared.Bindings.Select(b => b.Kind).Distinct().ToArray();
        var ownerNames = string.Join(", ", owners.Select(k => k.DisplayName));
        var only = owners.Length < kinds.Count ? $"{char.ToUpperInvariant(ownerNames[0])}{ownerNames[1..]} only. " : "";
        var summary = shared.Summary;
        var defaults = shared.Bindings.Select(b => (b.Kind, Shown: FormatValue(b.Default))).ToArray();
        if (defaults.All(d => d.Shown == defaults[0].Shown))
        {
            var shown = defaults[0].Shown;
            // The library's summary already states its default; show ours only when it differs or is not stated.
            return only + (shown is null || (summary.Contains("Default", StringComparison.Ordinal) && summary.Contains(shown, StringComparison.Ordinal))
                ? summary
                : $"{summary} [default: {shown}]");
        }
        return only + $"{summary} [default: {string.Join("; ", defaults.Select(d => $"{d.Kind.Name} {d.Shown ?? "none"}"))}]";
    }

    private static string? FormatValue(object? value) => value switch
    {
        null => null,
        IEnumerable<int> list => string.Join(",", list),
        double d => d.ToString("G", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    private static (Option Option, Func<ParseResult, object?> Read)? CreateOption(Type type, string name, string[] aliases)
    {
        if (type == typeof(IReadOnlyList<int>) || type == typeof(int[]) || type == typeof(IList<int>) || type == typeof(List<int>))
        {
            var list = new Option<int[]>(name, aliases)
            {
                AllowMultipleArgumentsPerToken = true,
                HelpName = "n,n,…",
                CustomParser = ParseIntegerList,
            };
            return (list, parse => type == typeof(List<int>) ? new List<int>(parse.GetValue(list) ?? []) : parse.GetValue(list) ?? []);
        }
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        var supported = underlying.IsEnum || underlying == typeof(int) || underlying == typeof(long) || underlying == typeof(double)
                        || underlying == typeof(float) || underlying == typeof(bool) || underlying == typeof(string);
        if (!supported) return null;
        var create = typeof(TrainerOptionSet).GetMethod(nameof(CreateTyped), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(type);
        return ((Option, Func<ParseResult, object?>))create.Invoke(null, [name, aliases])!;
    }

    private static (Option, Func<ParseResult, object?>) CreateTyped<T>(string name, string[] aliases)
    {
        var option = new Option<T>(name, aliases);
        var underlying = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);
        if (underlying.IsEnum) option.HelpName = string.Join("|", Enum.GetNames(underlying));
        if (underlying == typeof(bool)) option.HelpName = "true|false";
        return (option, parse => parse.GetValue(option));
    }

    private static int[]? ParseIntegerList(System.CommandLine.Parsing.ArgumentResult result)
    {
        var values = new List<int>();
        foreach (var token in result.Tokens)
            foreach (var part in token.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v))
                {
                    result.AddError($"'{part}' is not a whole number; give the widths like 512,256,128.");
                    return null;
                }
                values.Add(v);
            }
        return [.. values];
    }

    /// <summary>"KMeansSampleSize" → "kmeans-sample-size", "LearningRate" → "learning-rate".</summary>
    internal static string KebabCase(string name)
    {
        name = name.Replace("KMeans", "Kmeans", StringComparison.Ordinal);
        var text = new StringBuilder();
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            var boundary = char.IsUpper(c) && i > 0 && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1])));
            if (boundary) text.Append('-');
            text.Append(char.ToLowerInvariant(c));
        }
        return text.ToString();
    }

    private static string SplitWords(string name) => KebabCase(name).Replace('-', ' ');
}

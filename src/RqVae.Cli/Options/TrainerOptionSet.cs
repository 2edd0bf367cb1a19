using System.CommandLine;
using System.Globalization;
using System.Reflection;
using System.Text;
using RqVae.Model;
using RqVae.ResidualKMeans;
using RqVae.Training;

namespace RqVae.Cli.Options;

/// <summary>
/// One command-line option for every public setting of <see cref="RqVaeTrainerOptions"/> and of its
/// architecture <see cref="RqVaeOptions"/>, found by reflection: a setting added to the library
/// appears on <c>rqvae train --help</c> without touching the tool, with the library's own summary and
/// default. Only options the user actually typed are applied; everything else keeps the defaults of
/// the options object the command starts from.
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
        [nameof(RqVaeOptions.CodebookSize)] = ["-k"],
    };

    private readonly List<Binding> bindings = [];
    private readonly List<Binding> residualKMeansOnly = [];
    private readonly List<string> unsupported = [];

    private sealed record Binding(Option Option, PropertyInfo[] Path, Func<ParseResult, object?> Read);

    /// <summary>Creates the options, showing the defaults of <paramref name="defaults"/> in help.</summary>
    public TrainerOptionSet(RqVaeTrainerOptions defaults)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        AddProperties(typeof(RqVaeTrainerOptions), defaults, [], prefix: "");
        AddResidualKMeansOnly();
    }

    /// <summary>The options, in declaration order: the RQ-VAE's, then those only residual k-means has.</summary>
    public IEnumerable<Option> Options => bindings.Concat(residualKMeansOnly).Select(b => b.Option);

    /// <summary>Settings of a type this class cannot turn into an option (should stay empty; a test checks it).</summary>
    public IReadOnlyList<string> Unsupported => unsupported;

    /// <summary>Adds every option to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        foreach (var binding in bindings.Concat(residualKMeansOnly)) command.Options.Add(binding.Option);
    }

    /// <summary>
    /// Returns <paramref name="start"/> (a fresh instance the caller owns) with every option the user
    /// typed applied to it. Validation is left to the trainer, whose messages name the setting.
    /// </summary>
    public RqVaeTrainerOptions Apply(ParseResult parse, RqVaeTrainerOptions start)
    {
        var options = start with { Model = start.Model with { } };
        foreach (var binding in residualKMeansOnly)
            if (parse.GetResult(binding.Option) is { Implicit: false })
                throw new CliException($"{binding.Option.Name} is a residual k-means setting; add --tokenizer residual-kmeans or drop it.", ExitCodes.Usage);
        foreach (var binding in bindings)
        {
            if (parse.GetResult(binding.Option) is not { Implicit: false }) continue;
            var value = binding.Read(parse);
            object target = options;
            for (var i = 0; i < binding.Path.Length - 1; i++) target = binding.Path[i].GetValue(target)!;
            binding.Path[^1].SetValue(target, value);
        }
        return options;
    }

    // The settings residual k-means shares with the RQ-VAE trainer, and what they are called there.
    private static readonly Dictionary<string, string> ResidualKMeansSettings = new()
    {
        [nameof(RqVaeOptions.Levels)] = nameof(ResidualKMeansOptions.Levels),
        [nameof(RqVaeOptions.CodebookSize)] = nameof(ResidualKMeansOptions.CodebookSize),
        [nameof(RqVaeTrainerOptions.KMeansIterations)] = nameof(ResidualKMeansOptions.Iterations),
        [nameof(RqVaeTrainerOptions.KMeansSampleSize)] = nameof(ResidualKMeansOptions.SampleSize),
        [nameof(RqVaeTrainerOptions.Seed)] = nameof(ResidualKMeansOptions.Seed),
        [nameof(RqVaeOptions.BeamWidth)] = nameof(ResidualKMeansOptions.BeamWidth),
        [nameof(RqVaeTrainerOptions.Threads)] = nameof(ResidualKMeansOptions.Threads),
    };

    /// <summary>The options that apply to <c>--tokenizer residual-kmeans</c>, for help and messages.</summary>
    public IEnumerable<string> ResidualKMeansOptionNames
        => bindings.Where(b => ResidualKMeansSettings.ContainsKey(b.Path[^1].Name)).Concat(residualKMeansOnly).Select(b => b.Option.Name);

    /// <summary>
    /// Residual k-means options from the settings it shares with the RQ-VAE trainer (--levels, --codebook-size,
    /// --kmeans-iterations, --kmeans-sample-size, --seed, --beam-width, --threads), the user typed; the rest keep
    /// <see cref="ResidualKMeansOptions"/>' defaults. A typed RQ-VAE-only setting is refused rather than ignored.
    /// </summary>
    public ResidualKMeansOptions ResidualKMeans(ParseResult parse)
    {
        var options = new ResidualKMeansOptions();
        foreach (var binding in bindings)
        {
            if (parse.GetResult(binding.Option) is not { Implicit: false }) continue;
            if (!ResidualKMeansSettings.TryGetValue(binding.Path[^1].Name, out var target))
                throw new CliException($"{binding.Option.Name} is an RQ-VAE setting; residual k-means (--tokenizer residual-kmeans) takes only {string.Join(", ", ResidualKMeansOptionNames)}.", ExitCodes.Usage);
            var property = typeof(ResidualKMeansOptions).GetProperty(target)!;
            var value = binding.Read(parse);
            property.SetValue(options, Convert.ChangeType(value, property.PropertyType, CultureInfo.InvariantCulture));
        }
        foreach (var binding in residualKMeansOnly)
            if (parse.GetResult(binding.Option) is { Implicit: false })
                binding.Path[^1].SetValue(options, binding.Read(parse));
        return options;
    }

    // Settings residual k-means has and the RQ-VAE trainer does not (e.g. --progressive-dimension-steps).
    private void AddResidualKMeansOnly()
    {
        var defaults = new ResidualKMeansOptions();
        foreach (var property in typeof(ResidualKMeansOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (!property.CanWrite || property.GetSetMethod() is null || ResidualKMeansSettings.ContainsValue(property.Name)) continue;
            if (CreateOption(property.PropertyType, "--" + KebabCase(property.Name), []) is not var (option, read))
            {
                unsupported.Add(property.Name);
                continue;
            }
            option.Description = "Residual k-means only. " + Describe(property, property.GetValue(defaults));
            residualKMeansOnly.Add(new Binding(option, [property], read));
        }
    }

    private void AddProperties(Type type, object defaults, PropertyInfo[] path, string prefix)
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
                // The architecture is flattened (--levels, not --model-levels): it is what people tune most.
                var nestedPrefix = property.PropertyType == typeof(RqVaeOptions) ? prefix : prefix + KebabCase(property.Name) + "-";
                AddProperties(valueType, value, propertyPath, nestedPrefix);
                continue;
            }
            var name = "--" + prefix + KebabCase(property.Name);
            if (CreateOption(property.PropertyType, name, Aliases.GetValueOrDefault(property.Name) ?? []) is not var (option, read))
            {
                unsupported.Add(property.Name);
                continue;
            }
            option.Description = Describe(property, value);
            bindings.Add(new Binding(option, propertyPath, read));
        }
    }

    private static bool IsSettingsRecord(Type type)
        => type.IsClass && type != typeof(string) && type.Namespace?.StartsWith("RqVae", StringComparison.Ordinal) == true
           && type.GetConstructor(Type.EmptyTypes) is not null;

    private static string Describe(PropertyInfo property, object? value)
    {
        var summary = XmlDocs.Summary(property) ?? SplitWords(property.Name) + ".";
        // The library's summary already states its default; show ours only when it differs or is not stated.
        var shown = FormatValue(value);
        return summary.Contains("Default", StringComparison.Ordinal) && shown is not null && summary.Contains(shown, StringComparison.Ordinal)
            ? summary
            : shown is null ? summary : $"{summary} [default: {shown}]";
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

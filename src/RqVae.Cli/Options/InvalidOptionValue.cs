using System.CommandLine;
using System.Text.RegularExpressions;

namespace RqVae.Cli.Options;

/// <summary>
/// Rewrites an <see cref="ArgumentException"/> from options validation for the command line: the settings
/// classes name their C# member ("Epochs must be positive") and .NET appends "(Parameter 'Epochs')", while the
/// user typed a flag. The member becomes the flag of the running command that sets it, when one does.
/// </summary>
internal static class InvalidOptionValue
{
    /// <summary>The message for <paramref name="error"/>, without .NET's parameter suffix, naming the flag where the command has one.</summary>
    public static string Message(ArgumentException error, ParseResult? parse)
    {
        var message = WithoutParameterSuffix(error);
        if (error.ParamName is { Length: > 0 } member && parse is not null && FlagFor(member, parse.CommandResult.Command) is { } flag)
            message = Regex.Replace(message, $@"(?<![\w-]){Regex.Escape(member)}(?!\w)", flag);
        return message;
    }

    /// <summary>
    /// The option of <paramref name="command"/> that sets <paramref name="member"/>: "--" + its kebab-case name, or
    /// the one option whose name ends with it (a setting of a nested options record, whose flag carries the
    /// record's prefix). Null when none or several match.
    /// </summary>
    internal static string? FlagFor(string member, Command command)
    {
        var kebab = TrainerOptionSet.KebabCase(member[(member.LastIndexOf('.') + 1)..]);
        var names = command.Options.Select(o => o.Name).ToList();
        if (names.Contains("--" + kebab)) return "--" + kebab;
        var candidates = names.Where(n => n.EndsWith("-" + kebab, StringComparison.Ordinal)).ToList();
        return candidates.Count == 1 ? candidates[0] : null;
    }

    // ArgumentException.Message is the message + " (Parameter 'name')" (ArgumentOutOfRangeException adds
    // "Actual value was …" after it); the suffix is built the same way here, so a localized runtime is handled too.
    private static string WithoutParameterSuffix(ArgumentException error)
    {
        var message = error.Message;
        if (string.IsNullOrEmpty(error.ParamName)) return message;
        var suffix = new ArgumentException(string.Empty, error.ParamName).Message;
        var at = message.IndexOf(suffix, StringComparison.Ordinal);
        return at >= 0 ? message[..at].TrimEnd() : message;
    }
}

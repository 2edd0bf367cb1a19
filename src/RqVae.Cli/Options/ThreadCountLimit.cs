using System.CommandLine;
using System.Globalization;

namespace RqVae.Cli.Options;

/// <summary>
/// Bounds thread-count options. More threads than cores only adds contention (and a typo like 1000 would start
/// a thousand threads), so counts above four per core are refused rather than silently accepted.
/// </summary>
internal static class ThreadCountLimit
{
    /// <summary>The largest count accepted: four per core of this machine.</summary>
    public static int Maximum => 4 * Environment.ProcessorCount;

    /// <summary>
    /// Returns <paramref name="parse"/> after checking the running command's option <paramref name="flag"/> (when
    /// it has one): a usage error for a count above <see cref="Maximum"/>. Returning the parse lets a command check
    /// it on the way into its action.
    /// </summary>
    public static ParseResult Checked(ParseResult parse, string flag = "--threads")
    {
        ArgumentNullException.ThrowIfNull(parse);
        if (parse.CommandResult.Command.Options.FirstOrDefault(o => o.Name == flag) is Option<int> option)
            Check(flag, parse.GetValue(option), minimum: 0);
        return parse;
    }

    /// <summary>Throws a usage error unless <paramref name="minimum"/> ≤ <paramref name="threads"/> ≤ <see cref="Maximum"/>.</summary>
    public static void Check(string flag, int threads, int minimum)
    {
        var given = $"{flag} {threads.ToString(CultureInfo.InvariantCulture)}";
        if (threads < minimum)
            throw new CliException($"{given}: the thread count must be at least {minimum.ToString(CultureInfo.InvariantCulture)}.", ExitCodes.Usage);
        if (threads > Maximum)
            throw new CliException($"{given} is too many threads for the {Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture)} cores of this machine; " +
                                   $"use at most {Maximum.ToString(CultureInfo.InvariantCulture)} (4 per core).", ExitCodes.Usage);
    }
}

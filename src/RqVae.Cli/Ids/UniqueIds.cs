using System.CommandLine;
using RqVae.Model;
using RqVae.SemanticIds;
using RqVae.Tokenizers;

namespace RqVae.Cli.Ids;

/// <summary>
/// Makes a catalogue's IDs unique with the library's <see cref="CollisionResolver"/> (move colliding
/// items to a free last-level code when one is near, then append TIGER's extra code), and the options
/// that steer it.
/// </summary>
internal sealed class UniqueIds
{
    private static readonly CollisionOptions Defaults = new();

    public Option<bool> Reassign { get; } = new("--reassign")
    {
        Description = $"Before adding a code, move colliding items to the nearest free last-level code when it is near enough. [default: {Defaults.Reassign.ToString().ToLowerInvariant()}]",
        HelpName = "true|false",
        DefaultValueFactory = _ => Defaults.Reassign,
    };

    public Option<double> MaxReassignError { get; } = new("--max-reassign-error")
    {
        Description = "How far a moved item may go: squared distance to the new code ≤ this × the mean squared last-level residual.",
        DefaultValueFactory = _ => Defaults.MaxReassignError,
    };

    public Option<bool> ExtraCode { get; } = new("--extra-code")
    {
        Description = $"Append a code 0, 1, 2, … within each remaining collision so every ID is unique (TIGER). [default: {Defaults.AppendExtraCode.ToString().ToLowerInvariant()}]",
        HelpName = "true|false",
        DefaultValueFactory = _ => Defaults.AppendExtraCode,
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Reassign);
        command.Options.Add(MaxReassignError);
        command.Options.Add(ExtraCode);
    }

    public CollisionOptions Options(ParseResult parse) => new CollisionOptions
    {
        Reassign = parse.GetValue(Reassign),
        MaxReassignError = parse.GetValue(MaxReassignError),
        AppendExtraCode = parse.GetValue(ExtraCode),
    }.Validate();

    /// <summary>The unique IDs of <paramref name="items"/> (same order) and what it took.</summary>
    public static (SemanticIdTable Ids, CollisionReport Report) Resolve(ISemanticIdTokenizer tokenizer, IReadOnlyList<string> items, ReadOnlySpan<float> features, CollisionOptions options)
    {
        var table = ItemIdTable.Build(tokenizer, items, features, options);
        var (order, ids) = table.Snapshot();
        // The table keeps build order; check rather than assume it, since the ID table rows must match the item rows.
        for (var i = 0; i < items.Count; i++)
            if (!string.Equals(order[i], items[i], StringComparison.Ordinal))
                throw new InvalidOperationException($"ID table row {i} is '{order[i]}', expected '{items[i]}'.");
        return (ids, table.Report);
    }

    /// <summary>One line: raw collisions, what re-assignment and the extra code did.</summary>
    public static string Describe(CollisionReport r)
    {
        var ending = r.ExtraCodeSize switch
        {
            0 => FormattableString.Invariant($"{r.AfterExtraCode.CollisionRate:P2} left (no extra code)."),
            1 => FormattableString.Invariant($"all {r.AfterExtraCode.Items:N0} IDs are unique; the extra code is 0 for every item."),
            _ => FormattableString.Invariant($"an extra code (0–{r.ExtraCodeSize - 1}) makes all {r.AfterExtraCode.Items:N0} IDs unique."),
        };
        return FormattableString.Invariant(
            $"Collisions: {r.Before.CollisionRate:P2} of items shared an ID as encoded (largest bucket {r.Before.LargestBucket}); {r.Reassigned:N0} moved to a free last-level code → {r.AfterReassignment.CollisionRate:P2}; ") + ending;
    }
}

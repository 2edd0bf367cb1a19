using System.Globalization;
using RqVae.Metrics;
using Spectre.Console;

namespace RqVae.Cli.Output;

/// <summary>Terminal tables of an <see cref="EvaluationReport"/>: per-level code usage, whole-ID collisions, reconstruction.</summary>
internal static class MetricsView
{
    public static void Write(IAnsiConsole console, EvaluationReport report, string title)
    {
        var levels = new Table().Title(Markup.Escape(title)).RoundedBorder()
            .AddColumn("level").AddColumn(new TableColumn("active codes").RightAligned()).AddColumn(new TableColumn("perplexity").RightAligned())
            .AddColumn(new TableColumn("norm. entropy").RightAligned()).AddColumn(new TableColumn("largest share").RightAligned());
        foreach (var level in report.Levels)
            levels.AddRow(
                level.Level.ToString(CultureInfo.InvariantCulture),
                $"{level.ActiveCodes}/{level.CodebookSize} ({Share(level.ActiveCodes, level.CodebookSize)})",
                level.Perplexity.ToString("F1", CultureInfo.InvariantCulture),
                level.NormalizedEntropy.ToString("F3", CultureInfo.InvariantCulture),
                level.LargestShare.ToString("P2", CultureInfo.InvariantCulture));
        console.Write(levels);

        var c = report.Collisions;
        var r = report.Reconstruction;
        var whole = new Table().RoundedBorder().AddColumn("items").AddColumn("distinct IDs").AddColumn("collision rate")
            .AddColumn("unique items").AddColumn("largest bucket").AddColumn("recon. MSE").AddColumn("recon. MAE").AddColumn("recon. cosine");
        whole.AddRow(
            c.Items.ToString("N0", CultureInfo.InvariantCulture),
            c.DistinctIds.ToString("N0", CultureInfo.InvariantCulture),
            c.CollisionRate.ToString("P2", CultureInfo.InvariantCulture),
            c.UniqueFraction.ToString("P2", CultureInfo.InvariantCulture),
            c.LargestBucket.ToString(CultureInfo.InvariantCulture),
            r.Mse.ToString("G4", CultureInfo.InvariantCulture),
            r.Mae.ToString("G4", CultureInfo.InvariantCulture),
            r.MeanCosine.ToString("F4", CultureInfo.InvariantCulture));
        console.Write(whole);
    }

    /// <summary>
    /// <paramref name="part"/> of <paramref name="whole"/> as a percentage with one decimal, never rounded to
    /// "100 %" unless all are counted nor to "0 %" unless none are: 255 of 256 is "99.6 %", 1 of 10,000 "0.1 %".
    /// </summary>
    internal static string Share(long part, long whole)
    {
        if (whole <= 0 || part <= 0) return "0 %";
        if (part >= whole) return "100 %";
        var percent = Math.Clamp(Math.Round(100.0 * part / whole, 1), 0.1, 99.9);
        return percent.ToString("0.0", CultureInfo.InvariantCulture) + " %";
    }
}

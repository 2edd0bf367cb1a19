using System.Globalization;
using System.Text;
using RqVae.Recommender.Protocol;

namespace RqVae.Recommender.Evaluation;

/// <summary>
/// Formats benchmark rows as a Markdown table: test HR/NDCG at 5, 10, 20 as mean ± standard deviation over seeds,
/// validation NDCG@10, cold-slice HR@10, training time and model size; then each row's paired bootstrap interval of
/// the test HR@10 and NDCG@10 difference against a reference row.
/// </summary>
public static class BenchmarkTable
{
    /// <summary>The table of <paramref name="rows"/>; with <paramref name="reference"/> (a row label) the bootstrap lines follow.</summary>
    public static string Format(IReadOnlyList<BenchmarkRow> rows, string? reference = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.Append("| method | ").Append(string.Join(" | ", MetricSet.Names)).AppendLine(" | val NDCG@10 | cold HR@10 | train s | params |");
        text.Append("|---|").Append(string.Concat(Enumerable.Repeat("---|", MetricSet.Names.Count))).AppendLine("---|---|---|---|");
        foreach (var row in rows)
        {
            text.Append("| ").Append(row.Label).Append(" | ");
            foreach (var name in MetricSet.Names) text.Append(MeanSpread(row.Runs.Select(r => r.Result.Test[name]))).Append(" | ");
            text.Append(MeanSpread(row.Runs.Select(r => r.Result.Validation.Ndcg10))).Append(" | ");
            text.Append(MeanSpread(row.Runs.Select(r => r.Result.ColdTest.Hr10))).Append(" | ");
            text.Append(row.Runs.Average(r => r.TrainingTime.TotalSeconds).ToString("F1", c)).Append(" | ");
            text.Append(FormatCount(row.Runs[0].ParameterCount)).AppendLine(" |");
        }
        var first = rows.FirstOrDefault()?.Runs.FirstOrDefault()?.Result;
        if (first is not null)
            text.AppendLine().AppendLine(c, $"{first.TestRanks.Length} test users ({first.ColdTest.Count} with a held-out target), {rows[0].Runs.Count} {(rows[0].Runs.Count == 1 ? "seed" : "seeds")}; mean ± standard deviation over seeds.");
        var baseRow = reference is null ? null : rows.FirstOrDefault(r => r.Label == reference);
        if (baseRow is not null && rows.Count > 1)
        {
            text.AppendLine().AppendLine(c, $"Paired bootstrap over users (2000 resamples, 95 %), test, each row − {baseRow.Label} (per-user scores averaged over seeds):").AppendLine();
            foreach (var row in rows.Where(r => r != baseRow))
            {
                text.Append("- ").Append(row.Label).Append(':');
                foreach (var metric in new[] { "HR@10", "NDCG@10" })
                {
                    var interval = PairedBootstrap.Interval(RecommenderBenchmark.PerUser(row, metric), RecommenderBenchmark.PerUser(baseRow, metric));
                    text.Append(c, $" {metric} {interval.Mean:+0.0000;-0.0000} [{interval.Low:+0.0000;-0.0000}, {interval.High:+0.0000;-0.0000}]{(interval.ExcludesZero ? " *" : "")}");
                }
                text.AppendLine();
            }
            text.AppendLine().AppendLine("(* the interval excludes zero)");
        }
        return text.ToString();
    }

    private static string MeanSpread(IEnumerable<double> values)
    {
        var v = values.Where(double.IsFinite).ToArray();
        if (v.Length == 0) return "–";
        var mean = v.Average();
        var sd = v.Length < 2 ? 0 : Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1));
        return string.Create(CultureInfo.InvariantCulture, $"{mean:F4} ± {sd:F4}");
    }

    private static string FormatCount(long n) => n switch
    {
        >= 1_000_000 => string.Create(CultureInfo.InvariantCulture, $"{n / 1e6:F2} M"),
        >= 1_000 => string.Create(CultureInfo.InvariantCulture, $"{n / 1e3:F1} k"),
        _ => n.ToString(CultureInfo.InvariantCulture),
    };
}

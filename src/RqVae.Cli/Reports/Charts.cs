using RqVae.Metrics;
using RqVae.Training;
using ScottPlot;

namespace RqVae.Cli.Reports;

/// <summary>The report's plots, drawn with ScottPlot (no display needed) and returned as PNG bytes.</summary>
internal static class Charts
{
    private const int Width = 860;
    private const int Height = 380;

    /// <summary>Mean of each loss term per epoch, on a log scale (the terms differ by orders of magnitude).</summary>
    public static byte[] LossCurves(IReadOnlyList<EpochMetrics> history)
    {
        var plot = new Plot();
        double[] epochs = [.. history.Select(h => (double)h.Epoch)];
        AddLogSeries(plot, epochs, [.. history.Select(h => h.MeanLoss.Total)], "total");
        AddLogSeries(plot, epochs, [.. history.Select(h => h.MeanLoss.Reconstruction)], "reconstruction");
        AddLogSeries(plot, epochs, [.. history.Select(h => h.MeanLoss.Commitment)], "commitment (before β)");
        AddLogSeries(plot, epochs, [.. history.Select(h => h.MeanLoss.Codebook)], "codebook");
        UseLogTicks(plot);
        plot.Title("Loss terms per epoch (mean over the epoch's steps)");
        plot.XLabel("epoch");
        plot.YLabel("loss (log scale)");
        plot.ShowLegend(Alignment.UpperRight);
        return Render(plot);
    }

    /// <summary>Perplexity of each level after each evaluated epoch.</summary>
    public static byte[] PerplexityCurves(IReadOnlyList<EpochMetrics> history)
    {
        var plot = new Plot();
        var evaluated = history.Where(h => h.Evaluation is not null).ToArray();
        if (evaluated.Length > 0)
        {
            var levels = evaluated[0].Evaluation!.Levels.Count;
            for (var l = 0; l < levels; l++)
            {
                var level = l;
                var series = plot.Add.Scatter(evaluated.Select(h => (double)h.Epoch).ToArray(), evaluated.Select(h => h.Evaluation!.Levels[level].Perplexity).ToArray());
                series.LegendText = $"level {level + 1}";
                series.MarkerSize = evaluated.Length > 30 ? 0 : 4;
            }
        }
        plot.Title("Code perplexity per level (K means every code equally used)");
        plot.XLabel("epoch");
        plot.YLabel("perplexity");
        plot.ShowLegend(Alignment.LowerRight);
        return Render(plot);
    }

    /// <summary>Share of items per code, codes sorted from most to least used, one line per level, against uniform use.</summary>
    public static byte[] CodeUsage(long[][] counts)
    {
        var plot = new Plot();
        for (var l = 0; l < counts.Length; l++)
        {
            var total = Math.Max(1, counts[l].Sum());
            double[] shares = [.. counts[l].OrderDescending().Select(c => 100.0 * c / total)];
            var series = plot.Add.Scatter(Enumerable.Range(1, shares.Length).Select(i => (double)i).ToArray(), shares);
            series.LegendText = $"level {l + 1}";
            series.MarkerSize = 0;
        }
        if (counts.Length > 0)
        {
            var uniform = plot.Add.HorizontalLine(100.0 / counts[0].Length);
            uniform.LegendText = "uniform use";
            uniform.LinePattern = LinePattern.Dashed;
            uniform.Color = Colors.Gray;
        }
        plot.Title("Code usage per level (codes ranked by use)");
        plot.XLabel("code rank");
        plot.YLabel("% of items");
        plot.ShowLegend(Alignment.UpperRight);
        return Render(plot);
    }

    /// <summary>How many items sit in IDs shared by 1, 2, 3, … items (bucket 1 = items with a unique ID).</summary>
    public static byte[] BucketSizes(IReadOnlyDictionary<int, int> itemsPerBucketSize)
    {
        var plot = new Plot();
        var sizes = itemsPerBucketSize.Keys.Order().ToArray();
        var bars = sizes.Select((size, i) => new Bar
        {
            Position = i,
            Value = itemsPerBucketSize[size],
            Label = itemsPerBucketSize[size].ToString("N0", System.Globalization.CultureInfo.InvariantCulture),
        }).ToArray();
        var plottable = plot.Add.Bars(bars);
        plottable.ValueLabelStyle.FontSize = 12;
        plot.Axes.Bottom.SetTicks([.. sizes.Select((_, i) => (double)i)], [.. sizes.Select(s => s.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        plot.Axes.Margins(bottom: 0, top: 0.15);
        plot.Title("Bucket sizes: items whose ID is shared by n items");
        plot.XLabel("n = items sharing one ID");
        plot.YLabel("items");
        return Render(plot);
    }

    private static void AddLogSeries(Plot plot, double[] xs, double[] ys, string label)
    {
        // Zero or negative values (a codebook loss of exactly 0 with EMA codebooks) have no logarithm; leave them out.
        var keep = ys.Select((y, i) => (y, i)).Where(p => p.y > 0 && double.IsFinite(p.y)).ToArray();
        if (keep.Length == 0) return;
        var series = plot.Add.Scatter(keep.Select(p => xs[p.i]).ToArray(), keep.Select(p => Math.Log10(p.y)).ToArray());
        series.LegendText = label;
        series.MarkerSize = keep.Length > 30 ? 0 : 4;
    }

    private static void UseLogTicks(Plot plot)
    {
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = y => Math.Pow(10, y).ToString("G1", System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    private static byte[] Render(Plot plot) => plot.GetImageBytes(Width, Height, ImageFormat.Png);
}

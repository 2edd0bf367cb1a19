using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using RqVae.Cli.Training;
using RqVae.IO;
using RqVae.Metrics;
using RqVae.Model;
using RqVae.SemanticIds;
using RqVae.Training;

namespace RqVae.Cli.Reports;

/// <summary>Everything the HTML report shows.</summary>
/// <param name="Title">Heading, e.g. the data set's name.</param>
/// <param name="Facts">How the model was made (data, embedder, seed, …).</param>
/// <param name="Settings">The trainer settings (RQ-VAE or residual k-means options), shown as JSON.</param>
/// <param name="History">Per-epoch loss terms and metrics.</param>
/// <param name="Evaluation">Metrics of the saved model on the training items.</param>
/// <param name="Ids">The items' semantic IDs under the saved model.</param>
/// <param name="CodebookSize">K.</param>
/// <param name="Notes">Extra lines (e.g. the MovieLens genre check), shown under the summary.</param>
internal sealed record ReportContent(
    string Title,
    IReadOnlyDictionary<string, string> Facts,
    object Settings,
    IReadOnlyList<EpochMetrics> History,
    EvaluationReport Evaluation,
    SemanticIdTable Ids,
    int CodebookSize,
    IReadOnlyList<string> Notes);

/// <summary>
/// A single self-contained HTML file: the summary, the plots (PNG embedded as data: URIs, so it opens
/// offline and can be mailed), the per-level table and the settings.
/// </summary>
internal static class TrainingReport
{
    public static void Write(string path, ReportContent content)
    {
        var html = Render(content);
        AtomicFile.WriteAllText(path, html);
    }

    internal static string Render(ReportContent c)
    {
        var counts = CodebookUsage.Count(c.Ids, c.CodebookSize);
        var itemsPerBucketSize = CollisionStats.BucketSizes(c.Ids).Values
            .GroupBy(size => size).ToDictionary(g => g.Key, g => g.Key * g.Count());
        var e = c.Evaluation;
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
            .Append(Encode(c.Title)).Append("</title>\n<style>")
            .Append("body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:960px;margin:2em auto;padding:0 1em;color:#222}")
            .Append("table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 10px;text-align:right}")
            .Append("th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}img{max-width:100%;border:1px solid #eee;margin:.5em 0}")
            .Append("pre{background:#f7f7f7;padding:1em;overflow:auto;font-size:12px}.muted{color:#777}")
            .Append("</style></head><body>\n");
        html.Append("<h1>").Append(Encode(c.Title)).Append("</h1>\n");
        html.Append("<p class=\"muted\">Written by rqvae on ").Append(DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture))
            .Append(". Metrics are measured on all ").Append(e.Items.ToString("N0", CultureInfo.InvariantCulture)).Append(" training items with the saved weights.</p>\n");

        html.Append("<h2>Summary</h2>\n<table><tr><th>items</th><th>distinct IDs</th><th>collision rate</th><th>unique items</th><th>largest bucket</th><th>recon. MSE</th><th>recon. cosine</th></tr><tr>")
            .Append(Cell(e.Items.ToString("N0", CultureInfo.InvariantCulture))).Append(Cell(e.Collisions.DistinctIds.ToString("N0", CultureInfo.InvariantCulture)))
            .Append(Cell(e.Collisions.CollisionRate.ToString("P2", CultureInfo.InvariantCulture))).Append(Cell(e.Collisions.UniqueFraction.ToString("P2", CultureInfo.InvariantCulture)))
            .Append(Cell(e.Collisions.LargestBucket.ToString(CultureInfo.InvariantCulture))).Append(Cell(e.Reconstruction.Mse.ToString("G4", CultureInfo.InvariantCulture)))
            .Append(Cell(e.Reconstruction.MeanCosine.ToString("F4", CultureInfo.InvariantCulture))).Append("</tr></table>\n");
        html.Append("<table><tr><th>level</th><th>active codes</th><th>perplexity</th><th>normalised entropy</th><th>largest share</th></tr>\n");
        foreach (var level in e.Levels)
            html.Append("<tr>").Append(Cell(level.Level.ToString(CultureInfo.InvariantCulture)))
                .Append(Cell($"{level.ActiveCodes}/{level.CodebookSize}"))
                .Append(Cell(level.Perplexity.ToString("F1", CultureInfo.InvariantCulture)))
                .Append(Cell(level.NormalizedEntropy.ToString("F3", CultureInfo.InvariantCulture)))
                .Append(Cell(level.LargestShare.ToString("P2", CultureInfo.InvariantCulture))).Append("</tr>\n");
        html.Append("</table>\n");
        foreach (var note in c.Notes) html.Append("<p>").Append(Encode(note)).Append("</p>\n");

        html.Append("<h2>Training</h2>\n");
        if (c.History.Count > 0)
        {
            Image(html, Charts.LossCurves(c.History), "loss terms per epoch");
            html.Append("<p class=\"muted\">The reconstruction term is the one to watch: it measures how well the IDs' codes rebuild the items. ")
                .Append("The commitment and codebook terms are squared distances between the encoder's latents and their codes, so they grow ")
                .Append("with the latents' scale as the encoder spreads its output; the total can therefore rise while the reconstruction falls.</p>\n");
            if (c.History.Any(h => h.Evaluation is not null)) Image(html, Charts.PerplexityCurves(c.History), "perplexity per level per epoch");
        }
        else
        {
            html.Append("<p class=\"muted\">No epoch history was recorded.</p>\n");
        }
        html.Append("<h2>Codes</h2>\n");
        Image(html, Charts.CodeUsage(counts), "code usage per level");
        Image(html, Charts.BucketSizes(itemsPerBucketSize), "bucket-size distribution");

        html.Append("<h2>How it was made</h2>\n<table>");
        foreach (var (key, value) in c.Facts.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            html.Append("<tr><td>").Append(Encode(key)).Append("</td><td style=\"text-align:left\">").Append(Encode(value)).Append("</td></tr>");
        html.Append("</table>\n<pre>").Append(Encode(ModelDirectory.ToJson(c.Settings))).Append("</pre>\n");
        html.Append("</body></html>\n");
        return html.ToString();
    }

    private static void Image(StringBuilder html, byte[] png, string alt)
        => html.Append("<img alt=\"").Append(Encode(alt)).Append("\" src=\"data:image/png;base64,").Append(Convert.ToBase64String(png)).Append("\">\n");

    private static string Cell(string text) => "<td>" + Encode(text) + "</td>";

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}

using System.Globalization;
using RqVae.SemanticIds;
using Spectre.Console;

namespace RqVae.Cli.Output;

/// <summary>A terminal table of similar items: rank, item, title, semantic ID, shared prefix, code-vector distance and cosine.</summary>
internal static class SimilarItemsView
{
    public static void Write(IAnsiConsole console, string heading, IReadOnlyList<SimilarItem> similar, SemanticIdTable ids,
        IReadOnlyList<string> itemIds, Func<int, string?> title, IReadOnlyList<float[]> codebooks, int codeDimension, ReadOnlySpan<int> queryId)
    {
        var table = new Table().Title(Markup.Escape(heading)).RoundedBorder()
            .AddColumn("#").AddColumn("item").AddColumn("title").AddColumn("semantic ID")
            .AddColumn(new TableColumn("shared prefix").RightAligned()).AddColumn(new TableColumn("distance").RightAligned())
            .AddColumn(new TableColumn("cosine").RightAligned());
        for (var i = 0; i < similar.Count; i++)
        {
            var s = similar[i];
            var cosine = SemanticIdSimilarity.CodeVectorCosine(codebooks, codeDimension, queryId, ids[s.Row]);
            table.AddRow(
                (i + 1).ToString(CultureInfo.InvariantCulture),
                Markup.Escape(itemIds[s.Row]),
                Markup.Escape(title(s.Row) ?? ""),
                ids.Format(s.Row),
                $"{s.SharedPrefix}/{ids.Levels}",
                s.Distance.ToString("F3", CultureInfo.InvariantCulture),
                cosine.ToString("F3", CultureInfo.InvariantCulture));
        }
        console.Write(table);
    }
}

namespace RqVae.Cli.Output;

/// <summary>
/// Finds an item by (part of) its title, ignoring case: an exact title wins, then a title that starts
/// with the text, then one that contains it; among equals the shortest title, then the first row.
/// "Toy Story" finds "Toy Story (1995)" rather than "Toy Story 2".
/// </summary>
internal sealed class TitleSearch(IReadOnlyList<string?> titles)
{
    /// <summary>The row of the best match, or null when no title contains <paramref name="text"/>.</summary>
    public int? Find(string text)
    {
        var query = text.Trim();
        if (query.Length == 0) return null;
        int? best = null;
        var bestRank = int.MaxValue;
        for (var row = 0; row < titles.Count; row++)
        {
            var title = titles[row];
            if (title is null) continue;
            var rank = string.Equals(title, query, StringComparison.OrdinalIgnoreCase) ? 0
                : title.StartsWith(query, StringComparison.OrdinalIgnoreCase) ? 1
                : title.Contains(query, StringComparison.OrdinalIgnoreCase) ? 2
                : -1;
            if (rank < 0) continue;
            if (best is null || rank < bestRank || (rank == bestRank && title.Length < titles[best.Value]!.Length))
            {
                best = row;
                bestRank = rank;
            }
        }
        return best;
    }
}

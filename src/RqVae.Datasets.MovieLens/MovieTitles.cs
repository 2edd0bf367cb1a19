using System.Text.RegularExpressions;

namespace RqVae.Datasets.MovieLens;

/// <summary>Helpers for MovieLens title conventions.</summary>
public static partial class MovieTitles
{
    /// <summary>
    /// MovieLens sorts titles library-style, with the article moved to the end ("Goofy Movie, A",
    /// "City of Lost Children, The (Cité des enfants perdus, La)"). This puts the article back in front
    /// of the main title ("A Goofy Movie", "The City of Lost Children (Cité des enfants perdus, La)");
    /// titles without a trailing article are returned unchanged.
    /// </summary>
    public static string ToDisplayTitle(string title)
    {
        ArgumentNullException.ThrowIfNull(title);
        var match = TrailingArticle().Match(title);
        if (!match.Success) return title;
        var article = match.Groups["article"].Value;
        var joiner = article.EndsWith('\'') ? "" : " ";
        return article + joiner + match.Groups["main"].Value + match.Groups["rest"].Value;
    }

    // English and the common European articles that MovieLens moves to the end.
    [GeneratedRegex(@"^(?<main>.+?), (?<article>The|A|An|Les|Le|La|L'|Il|Lo|I|Gli|Das|Der|Die|Den|Det|El|Los|Las|Un|Une|O|Os|As|De|Het|Ein|Eine)(?<rest>( \(.*\))?)$",
        RegexOptions.CultureInvariant)]
    private static partial Regex TrailingArticle();
}

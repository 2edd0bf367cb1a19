namespace RqVae.Datasets.MovieLens;

/// <summary>One MovieLens movie, keyed on <see cref="MovieId"/> (titles are not unique).</summary>
/// <param name="MovieId">The GroupLens movie id.</param>
/// <param name="Title">The title as GroupLens spells it (e.g. "Goofy Movie, A"), or null where the data has NA.</param>
/// <param name="Year">The release year, or null where the data has NA.</param>
/// <param name="Genres">Genre labels; empty for "(no genres listed)".</param>
public sealed record Movie(int MovieId, string? Title, int? Year, IReadOnlyList<string> Genres)
{
    /// <summary>The title with a trailing article moved to the front ("A Goofy Movie"); null when the title is NA.</summary>
    public string? DisplayTitle => Title is null ? null : MovieTitles.ToDisplayTitle(Title);
}

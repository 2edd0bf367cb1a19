namespace RqVae.Cli.Demo;

/// <summary>How the MovieLens demo turns a movie into numbers.</summary>
internal enum MovieFeatureKind
{
    /// <summary>MiniLM embedding of "Title (year). Genres: a, b" (384-d) — the realistic setting.</summary>
    Text,

    /// <summary>Genre indicators plus the release decade, scaled (no text model; seconds instead of a minute).</summary>
    Genres,
}

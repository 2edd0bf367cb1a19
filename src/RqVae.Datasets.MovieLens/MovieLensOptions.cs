namespace RqVae.Datasets.MovieLens;

/// <summary>Where and how to obtain the MovieLens data.</summary>
public sealed record MovieLensOptions
{
    /// <summary>The environment variable that overrides the default cache folder.</summary>
    public const string DataDirectoryVariable = "RQVAE_DATA_DIR";

    /// <summary>
    /// Folder holding the downloaded Debian package and its extracted files. Default:
    /// <c>$RQVAE_DATA_DIR</c> when set, else <c>~/.cache/rqvae/movielens</c> — outside any repository,
    /// because the GroupLens licence forbids redistributing the data.
    /// </summary>
    public string CacheDirectory { get; init; } = DefaultCacheDirectory();

    /// <summary>The Debian package that carries the data (GroupLens latest-small inside dslabs).</summary>
    public string PackageName { get; init; } = "r-cran-dslabs";

    /// <summary>Longest time any one external command (apt-get, dpkg-deb) may take before it is abandoned.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The default cache folder (see <see cref="CacheDirectory"/>).</summary>
    public static string DefaultCacheDirectory()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(DataDirectoryVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment)) return fromEnvironment;
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.Combine(home, ".cache", "rqvae", "movielens");
    }

    /// <summary>Throws when an option is out of range.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(CacheDirectory)) throw new ArgumentException("CacheDirectory must be set.", nameof(CacheDirectory));
        if (string.IsNullOrWhiteSpace(PackageName)) throw new ArgumentException("PackageName must be set.", nameof(PackageName));
        if (CommandTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(CommandTimeout), "CommandTimeout must be positive.");
    }
}

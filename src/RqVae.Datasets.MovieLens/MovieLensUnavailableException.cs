namespace RqVae.Datasets.MovieLens;

/// <summary>
/// The MovieLens data could not be obtained (apt-get or dpkg-deb missing, no network to the Debian
/// mirror, ...). The message says which step failed and the exact commands to run by hand.
/// </summary>
public sealed class MovieLensUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public MovieLensUnavailableException(string message, Exception? innerException = null) : base(message, innerException) { }
}

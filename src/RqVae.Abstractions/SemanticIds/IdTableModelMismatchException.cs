namespace RqVae.SemanticIds;

/// <summary>An ID table was about to be used with a model other than the one that produced it.</summary>
public sealed class IdTableModelMismatchException : Exception
{
    /// <summary>Creates the exception for the table at <paramref name="path"/>.</summary>
    public IdTableModelMismatchException(string path, string message) : base($"{path}: {message}") => Path = path;

    /// <summary>The ID table.</summary>
    public string Path { get; }
}

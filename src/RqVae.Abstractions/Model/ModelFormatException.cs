namespace RqVae.Model;

/// <summary>A model directory or file that cannot be loaded: the message says which file, what is wrong and what to do.</summary>
public sealed class ModelFormatException : Exception
{
    /// <summary>Creates the exception for <paramref name="path"/>.</summary>
    public ModelFormatException(string path, string message, Exception? inner = null)
        : base($"{path}: {message}", inner) => Path = path;

    /// <summary>The file or directory at fault.</summary>
    public string Path { get; }
}

namespace RqVae.Training.Checkpointing;

/// <summary>
/// A checkpoint cannot continue this run because it was made with other options or other data; resuming
/// would silently give a model that no uninterrupted run produces.
/// </summary>
public sealed class CheckpointMismatchException : Exception
{
    /// <summary>Creates the exception for the checkpoint at <paramref name="path"/>.</summary>
    public CheckpointMismatchException(string path, string message)
        : base($"{path}: {message}") => Path = path;

    /// <summary>The checkpoint file.</summary>
    public string Path { get; }
}

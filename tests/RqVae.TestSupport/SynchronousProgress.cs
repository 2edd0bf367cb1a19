namespace RqVae.TestSupport;

/// <summary>
/// An <see cref="IProgress{T}"/> that calls its action at once on the reporting thread. <see cref="Progress{T}"/>
/// posts to the thread pool, so a test reading what it collected could run before the reports arrive.
/// </summary>
public sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    /// <inheritdoc />
    public void Report(T value) => report(value);
}

namespace RqVae.TestSupport;

/// <summary>
/// A thread that starts garbage collections back to back until disposed: what a busy process (a web server's request
/// threads, a progress reporter, another library) does to TorchSharp code now and then, made constant, so that a native
/// call whose arguments the collector may free shows its fault within one test instead of once in many runs.
/// </summary>
public sealed class ConcurrentCollections : IDisposable
{
    private readonly Thread thread;
    private volatile bool stopping;
    private long count;

    private ConcurrentCollections()
    {
        thread = new Thread(Run) { IsBackground = true, Name = "concurrent collections" };
        thread.Start();
    }

    /// <summary>Collections started so far.</summary>
    public long Count => Interlocked.Read(ref count);

    /// <summary>Starts the thread.</summary>
    public static ConcurrentCollections Start() => new();

    private void Run()
    {
        while (!stopping)
        {
            // Not blocking: the thread that allocates next finishes it, as a collection another thread triggered would.
            GC.Collect(0, GCCollectionMode.Forced, blocking: false);
            Interlocked.Increment(ref count);
            Thread.SpinWait(2000);
        }
    }

    /// <summary>Stops the thread and waits for it.</summary>
    public void Dispose()
    {
        stopping = true;
        thread.Join();
    }
}

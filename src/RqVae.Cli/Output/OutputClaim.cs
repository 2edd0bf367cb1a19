using RqVae.IO;

namespace RqVae.Cli.Output;

/// <summary>
/// The command's exclusive hold on one output for the whole run (an <see cref="OutputLock"/>), so that two
/// rqvae processes writing the same output do not silently lose one result: the second is refused, naming the
/// output and the process that holds it. A lock left by a process that has died is taken over.
/// </summary>
internal sealed class OutputClaim : IDisposable
{
    private readonly OutputLock outputLock;

    private OutputClaim(OutputLock outputLock) => this.outputLock = outputLock;

    /// <summary>Takes the lock on <paramref name="path"/> (as the user wrote it) or refuses with exit code 2.</summary>
    public static OutputClaim Take(string path)
    {
        OutputLock? taken;
        int? holder;
        try
        {
            if (!OutputLock.TryAcquire(path, out taken, out holder))
            {
                var who = holder is { } pid ? $"rqvae process {pid}" : "another rqvae process";
                throw new CliException($"'{path}' is being written by {who} (lock file '{OutputLock.LockPathFor(path)}'). " +
                                       "Wait for it to finish, or write to another output; a lock left by a process that has died is taken over automatically.");
            }
        }
        catch (ArgumentException)
        {
            throw new CliException($"'{path}' cannot be an output: it has no parent folder to hold its lock file. Choose a folder or file below it.", ExitCodes.Usage);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new CliException($"cannot create the lock file beside '{path}': {e.Message} Choose an output in a folder you can write to.");
        }
        return new OutputClaim(taken!);
    }

    public void Dispose() => outputLock.Dispose();
}

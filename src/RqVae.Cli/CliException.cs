namespace RqVae.Cli;

/// <summary>
/// A problem the user can fix, found by the tool itself (rather than by a reader in RqVae.Data or the
/// model loader): the message says what is wrong, where, and what to do.
/// </summary>
public sealed class CliException(string message, int exitCode = ExitCodes.BadInput) : Exception(message)
{
    /// <summary>The exit code the process ends with.</summary>
    public int ExitCode { get; } = exitCode;
}

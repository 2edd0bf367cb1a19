namespace RqVae.Cli;

/// <summary>The process exit codes of <c>rqvae</c>, stable so scripts can branch on them.</summary>
public static class ExitCodes
{
    /// <summary>The command did its job.</summary>
    public const int Success = 0;

    /// <summary>The command line itself was wrong (unknown option, missing argument, an option value out of range); the message names the flag.</summary>
    public const int Usage = 1;

    /// <summary>An input file or model directory was wrong; the message names the file, row and column.</summary>
    public const int BadInput = 2;

    /// <summary>Data the command needs could not be obtained (e.g. the MovieLens download failed).</summary>
    public const int Unavailable = 3;

    /// <summary>A bug or an unexpected failure of the machine; the message carries the details.</summary>
    public const int InternalError = 70;

    /// <summary>Training stopped: the loss diverged (NaN/Inf), the run cannot fit in memory, or a checkpoint belongs to another run.</summary>
    public const int TrainingFailed = 4;

    /// <summary>A check the user asked for failed: <c>export --verify</c> found items whose ONNX Runtime IDs differ from the tool's.</summary>
    public const int CheckFailed = 5;

    /// <summary>Stopped by Ctrl-C (128 + SIGINT, as shells report it).</summary>
    public const int Cancelled = 130;

    /// <summary>Stopped by SIGTERM (128 + SIGTERM), e.g. from a service manager or <c>kill</c>; training keeps its last complete checkpoint, as after Ctrl-C.</summary>
    public const int Terminated = 143;
}

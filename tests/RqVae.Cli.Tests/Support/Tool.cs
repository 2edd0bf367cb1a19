namespace RqVae.Cli.Tests.Support;

/// <summary>The result of one in-process run of the tool.</summary>
public sealed record CliResult(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Error}";
}

/// <summary>Runs <c>rqvae</c> through its real entry point, in process.</summary>
public static class Tool
{
    public static CliResult Run(params string[] args) => Run(CancellationToken.None, args);

    public static CliResult Run(CancellationToken cancellationToken, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = RqVaeCli.Run(args, output, error, cancellationToken);
        return new CliResult(code, output.ToString(), error.ToString());
    }
}

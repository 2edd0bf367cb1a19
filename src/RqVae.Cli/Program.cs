using System.Runtime.InteropServices;
using RqVae.Cli;

// The first Ctrl-C (or SIGTERM) asks the running command to stop at its next safe point (training
// keeps its last complete checkpoint); a second Ctrl-C ends the process at once.
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    if (stop.IsCancellationRequested) return;
    e.Cancel = true;
    Console.Error.WriteLine("Stopping after the current step… (press Ctrl-C again to quit at once)");
    stop.Cancel();
};
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stop.Cancel();
});
// Must come before anything touches torch: MKL picks its kernels once, at its first product.
if (RqVaeCli.ApplyMklPreference(Environment.GetEnvironmentVariable(RqVae.Platform.MklDispatch.EnvironmentVariable), Console.Error) is { } failed)
    return failed;
return RqVaeCli.Run(args, Console.Out, Console.Error, stop.Token);

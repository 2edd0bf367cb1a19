using System.Runtime.InteropServices;
using RqVae.Cli;

// The first Ctrl-C or SIGTERM asks the running command to stop at its next safe point (training keeps its
// last complete checkpoint); a second one ends the process at once. Which signal it was decides the exit
// code (130 for Ctrl-C, 143 for SIGTERM) and the message.
using var stop = new StopRequest();
Console.CancelKeyPress += (_, e) =>
{
    if (stop.IsRequested) return;
    e.Cancel = true;
    Console.Error.WriteLine("Stopping after the current step… (press Ctrl-C again to quit at once)");
    stop.Request(PosixSignal.SIGINT);
};
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    if (stop.IsRequested) return; // a second signal: let the runtime end the process
    context.Cancel = true;
    Console.Error.WriteLine("SIGTERM: stopping after the current step… (a second SIGTERM quits at once)");
    stop.Request(PosixSignal.SIGTERM);
});
// Must come before anything touches torch: MKL picks its kernels once, at its first product.
if (RqVaeCli.ApplyNumerics(args, Console.Error) is { } failed)
    return failed;
return RqVaeCli.Run(args, Console.Out, Console.Error, stop);

using Microsoft.Extensions.Hosting;

namespace RqVae.Service.Hosting;

/// <summary>
/// A host lifetime that installs no signal handlers: the service stops when the token given to <c>RunAsync</c> is
/// cancelled, which the <c>rqvae</c> tool does on SIGTERM and Ctrl-C (its own handlers decide the exit code); the host
/// then stops accepting connections and waits for requests in flight.
/// </summary>
internal sealed class QuietLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

using System.Net;

namespace RqVae.Service.Tests.Support;

/// <summary>
/// A request body sent in two parts: the first at once, the rest only when <see cref="Release"/> is called, so a test
/// can hold a request in flight (its handler waiting for the body) while it signals the server.
/// </summary>
public sealed class GatedContent(byte[] body, int firstPart) : HttpContent
{
    private readonly TaskCompletionSource release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource firstSent = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the first part has been written to the connection.</summary>
    public Task FirstPartSent => firstSent.Task;

    /// <summary>Lets the rest of the body go.</summary>
    public void Release() => release.TrySetResult();

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        await stream.WriteAsync(body.AsMemory(0, firstPart));
        await stream.FlushAsync();
        firstSent.TrySetResult();
        await release.Task;
        await stream.WriteAsync(body.AsMemory(firstPart));
    }

    protected override bool TryComputeLength(out long length)
    {
        length = body.Length;
        return true;
    }
}

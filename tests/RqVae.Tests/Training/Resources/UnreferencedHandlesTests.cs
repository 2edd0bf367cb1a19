using RqVae.Tests.Support;
using Xunit;

namespace RqVae.Tests.Training.Resources;

/// <summary>Training's resident memory is its working set, whatever the number of steps.</summary>
public sealed class UnreferencedHandlesTests
{
    [Fact]
    public async Task Resident_memory_stays_flat_from_epoch_to_epoch_of_a_real_run()
    {
        // A real process: 4,096 × 768 features, batch 256 (16 steps an epoch), 8 epochs, one thread. Only the last epoch
        // is evaluated, so epochs 2 to 7 do the same work. With the steps' scalars left to the GC, glibc's heap grew by
        // about 45 MiB an epoch (230 MiB from epoch 2 to 7); released every step, it grows by a few MiB in all.
        var (code, output, error) = await TrainingHostProcess.RunAsync(TimeSpan.FromSeconds(180),
            "memory", "--rows", "4096", "--dimension", "768", "--batch-size", "256", "--epochs", "8", "--threads", "1");
        Assert.True(code == 0, error);
        var peaks = output.Split('\n').Single(l => l.StartsWith("epoch-peaks ", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(long.Parse).ToArray();
        Assert.Equal(8, peaks.Length);
        var growth = peaks[6] - peaks[1];
        Assert.True(growth <= 32L << 20, $"the peak grew by {growth >> 20} MiB from epoch 2 to epoch 7: {string.Join(", ", peaks.Select(p => p >> 20))} MiB");
    }
}

using System.Runtime.InteropServices;

namespace RqVae.Platform;

/// <summary>
/// Makes the C allocator return large tensor buffers to the system when they are freed. glibc's malloc
/// serves blocks above its mmap threshold with their own mappings, but it raises that threshold to the size
/// of every such block freed (up to 32 MB); after the first large temporary (a k-means distance matrix, an
/// evaluation batch) blocks of a few megabytes up to 32 MB come from the heap and stay with the process
/// after they are freed. Measured on the speed benchmark's training run (20,000 × 768, batch 1024): peak
/// memory 930–1,005 MiB by default, 623 MiB with the threshold fixed at <see cref="ThresholdBytes"/>, at the
/// same samples/s; fixed at glibc's initial 128 KiB instead, training was 28 % slower (every step's small
/// tensors then cost a mapping each).
/// </summary>
/// <remarks>
/// Process-wide and irreversible, which is why the trainers apply it (a training run is where the large
/// temporaries are) rather than every call: it only changes where blocks of ≥ 16 MB come from, never a
/// result. A no-op where the C library is not glibc.
/// </remarks>
public static class LargeBlockAllocation
{
    /// <summary>Blocks of at least this many bytes get their own mapping, returned to the system when freed.</summary>
    public const int ThresholdBytes = 16 << 20;

    private const int MallocMmapThreshold = -3; // M_MMAP_THRESHOLD in glibc's malloc.h
    private static int applied;

    /// <summary>Fixes glibc's mmap threshold at <see cref="ThresholdBytes"/> (once per process); false where that is not possible.</summary>
    public static bool ReturnLargeBlocksToTheSystem()
    {
        if (Volatile.Read(ref applied) != 0) return applied > 0;
        var result = -1;
        if (OperatingSystem.IsLinux())
        {
            try
            {
                result = MallOpt(MallocMmapThreshold, ThresholdBytes) == 1 ? 1 : -1;
            }
            catch (EntryPointNotFoundException)
            {
                // Not glibc (e.g. musl exports no mallopt): its allocator keeps its own policy.
            }
        }
        Interlocked.CompareExchange(ref applied, result, 0);
        return applied > 0;
    }

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int MallOpt(int parameter, int value);
}

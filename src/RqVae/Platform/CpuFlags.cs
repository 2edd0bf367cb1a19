namespace RqVae.Platform;

/// <summary>The instruction-set flags the kernel reports for this CPU (the <c>flags</c> line of /proc/cpuinfo).</summary>
public static class CpuFlags
{
    private static readonly Lazy<IReadOnlySet<string>> Flags = new(Read);

    /// <summary>This CPU's flags; empty where /proc/cpuinfo does not exist or cannot be read.</summary>
    public static IReadOnlySet<string> Current => Flags.Value;

    /// <summary>AVX2 and FMA: MKL's AVX2 code path.</summary>
    public static bool HasAvx2(IReadOnlySet<string> flags)
    {
        ArgumentNullException.ThrowIfNull(flags);
        return flags.Contains("avx2") && flags.Contains("fma");
    }

    /// <summary>The AVX-512 subsets of MKL's AVX-512 code path: F, CD, BW, DQ and VL.</summary>
    public static bool HasAvx512(IReadOnlySet<string> flags)
    {
        ArgumentNullException.ThrowIfNull(flags);
        return flags.Contains("avx512f") && flags.Contains("avx512cd") && flags.Contains("avx512bw") && flags.Contains("avx512dq") && flags.Contains("avx512vl");
    }

    /// <summary>AVX-512 BF16: bfloat16 products in hardware. Without it they are emulated and slower than float32.</summary>
    public static bool HasAvx512BFloat16(IReadOnlySet<string> flags)
    {
        ArgumentNullException.ThrowIfNull(flags);
        return flags.Contains("avx512_bf16");
    }

    /// <summary>The flags of the first <c>flags</c> line of <paramref name="cpuInfo"/> (the text of /proc/cpuinfo).</summary>
    public static IReadOnlySet<string> Parse(string cpuInfo)
    {
        ArgumentNullException.ThrowIfNull(cpuInfo);
        foreach (var line in cpuInfo.Split('\n'))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0 || line[..colon].Trim() != "flags") continue;
            return line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        }
        return new HashSet<string>(StringComparer.Ordinal);
    }

    private static IReadOnlySet<string> Read()
    {
        try
        {
            return Parse(File.ReadAllText("/proc/cpuinfo"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new HashSet<string>(StringComparer.Ordinal);
        }
    }
}

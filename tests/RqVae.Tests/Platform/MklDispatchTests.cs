using RqVae.Platform;
using RqVae.Tests.Support;
using Xunit;

namespace RqVae.Tests.Platform;

/// <summary>
/// The opt-in MKL kernel preference, checked by what MKL itself reports (its dispatch level), in fresh
/// processes: MKL decides once per process, and this test process must keep MKL's default choice.
/// </summary>
public class MklDispatchTests
{
    [Fact]
    public async Task Preferring_CPU_kernels_raises_MKLs_dispatch_level_on_an_AVX512_AMD_CPU()
    {
        var timeout = TimeSpan.FromMinutes(2);
        var plain = await TrainingHostProcess.RunAsync(timeout, "mkl-level");
        var preferred = await TrainingHostProcess.RunAsync(timeout, "mkl-level", "--prefer-cpu-kernels");
        Assert.True(plain.ExitCode == 0, plain.Error);
        Assert.True(preferred.ExitCode == 0, preferred.Error);
        var before = int.Parse(plain.Output.Trim(), System.Globalization.CultureInfo.InvariantCulture);
        var after = int.Parse(preferred.Output.Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(after >= before, $"level {before} without the preference, {after} with it");
        // Where MKL's vendor check is what holds it back, the preference must lift it to its AVX-512 path (7).
        var cpu = File.ReadAllText("/proc/cpuinfo");
        if (cpu.Contains("AuthenticAMD", StringComparison.Ordinal) && cpu.Contains(" avx512f", StringComparison.Ordinal))
        {
            Assert.True(before < 7, $"MKL already dispatches at level {before} without the preference; this test's premise is gone.");
            Assert.Equal(7, after);
        }
    }

    [Fact]
    public void A_missing_vendor_check_library_is_reported_with_the_fix_before_anything_is_loaded()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"no-such-{Guid.NewGuid():N}.so");
        var error = Assert.Throws<FileNotFoundException>(() => MklDispatch.PreferCpuKernels(missing));
        Assert.Contains(missing, error.Message);
        Assert.Contains("C compiler", error.Message);
        Assert.False(MklDispatch.IsCpuKernelPreferenceLoaded);
    }
}

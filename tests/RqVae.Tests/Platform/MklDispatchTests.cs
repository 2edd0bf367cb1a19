using RqVae.Platform;
using RqVae.Tests.Support;
using Xunit;

namespace RqVae.Tests.Platform;

/// <summary>
/// The numerics modes, checked by what MKL itself reports (its dispatch level) in fresh processes, since MKL decides
/// once per process, and by the code branch each mode asks for on CPUs described by hand.
/// </summary>
public class MklDispatchTests
{
    private static readonly HashSet<string> Avx512Cpu = ["sse2", "avx", "avx2", "fma", "avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"];
    private static readonly HashSet<string> Avx2Cpu = ["sse2", "avx", "avx2", "fma"];
    private static readonly HashSet<string> OldCpu = ["sse2", "sse4_2", "avx"];

    [Fact]
    public void The_fast_mode_asks_for_the_widest_branch_the_CPU_has_and_portable_for_AVX2_everywhere()
    {
        Assert.Equal("AVX512,STRICT", MklDispatch.BranchFor(NumericsMode.Fast, Avx512Cpu));
        Assert.Equal("AVX2,STRICT", MklDispatch.BranchFor(NumericsMode.Fast, Avx2Cpu));
        Assert.Equal("AUTO,STRICT", MklDispatch.BranchFor(NumericsMode.Fast, OldCpu));
        // AVX-512 F alone (no BW/DQ/VL) is not MKL's AVX-512 path.
        Assert.Equal("AVX2,STRICT", MklDispatch.BranchFor(NumericsMode.Fast, new HashSet<string>([.. Avx2Cpu, "avx512f"])));
        Assert.Equal("AVX2,STRICT", MklDispatch.BranchFor(NumericsMode.Portable, Avx512Cpu));
        Assert.Equal("AVX2,STRICT", MklDispatch.BranchFor(NumericsMode.Portable, Avx2Cpu));
    }

    [Fact]
    public void Cpu_flags_are_read_from_the_flags_line_of_proc_cpuinfo()
    {
        var flags = CpuFlags.Parse("processor\t: 0\nvendor_id\t: AuthenticAMD\nflags\t\t: fpu sse2 avx2 fma avx512f avx512_bf16\nbugs\t\t: sysret_ss_attrs\n");
        Assert.Equal(["avx2", "avx512_bf16", "avx512f", "fma", "fpu", "sse2"], flags.Order(StringComparer.Ordinal));
        Assert.True(CpuFlags.HasAvx512BFloat16(flags));
        Assert.False(CpuFlags.HasAvx512(flags));
        Assert.Empty(CpuFlags.Parse("processor : 0\n"));
    }

    [Theory]
    [InlineData("fast", NumericsMode.Fast)]
    [InlineData(" Portable ", NumericsMode.Portable)]
    public void Modes_are_read_as_the_tool_spells_them(string text, NumericsMode expected)
    {
        Assert.True(MklDispatch.TryParse(text, out var mode));
        Assert.Equal(expected, mode);
        Assert.False(MklDispatch.TryParse("avx512", out _));
    }

    [Fact]
    public void This_process_runs_the_fast_mode_with_the_vendor_check_answered_without_being_asked()
    {
        Assert.Equal(NumericsMode.Fast, MklDispatch.Mode);
        Assert.True(MklDispatch.IsCpuKernelPreferenceLoaded, MklDispatch.Problem);
        Assert.Equal(MklDispatch.BranchFor(NumericsMode.Fast, CpuFlags.Current), MklDispatch.CodeBranch);
    }

    [Fact]
    public async Task The_fast_mode_takes_MKLs_AVX512_path_on_either_vendor_and_portable_mode_the_path_of_an_AVX2_only_CPU()
    {
        var timeout = TimeSpan.FromMinutes(2);
        var runs = await Task.WhenAll(
            TrainingHostProcess.RunAsync(timeout, "mkl-level"),
            TrainingHostProcess.RunAsync(timeout, "mkl-level", "--numerics", "portable"),
            // An AVX2-only CPU, simulated: MKL's own cap on the instruction sets it uses.
            TrainingHostProcess.RunAsync(timeout, new Dictionary<string, string?> { ["MKL_ENABLE_INSTRUCTIONS"] = "AVX2" }, "mkl-level"));
        Assert.All(runs, r => Assert.True(r.ExitCode == 0, r.Error));
        var levels = runs.Select(r => int.Parse(r.Output.Split('\n')[0].Trim(), System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.Contains("numerics portable (MKL_CBWR=AVX2,STRICT, vendor check answered)", runs[1].Output);
        Assert.Equal(levels[2], levels[1]);
        // MKL's AVX-512 path is level 7; without the vendor check answered it was 0 on the project's AMD EPYC.
        if (CpuFlags.HasAvx512(CpuFlags.Current))
        {
            Assert.Equal(7, levels[0]);
            Assert.True(levels[1] < 7, $"portable mode runs at MKL level {levels[1]}");
        }
    }

    [Fact]
    public void A_missing_vendor_check_library_is_reported_with_the_fix()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"no-such-{Guid.NewGuid():N}.so");
        var error = Assert.Throws<FileNotFoundException>(() => MklDispatch.PreferCpuKernels(missing));
        Assert.Contains(missing, error.Message);
        Assert.Contains("C compiler", error.Message);
    }
}

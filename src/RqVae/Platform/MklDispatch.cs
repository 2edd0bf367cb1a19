using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace RqVae.Platform;

/// <summary>
/// Which kernels LibTorch's statically linked Intel MKL uses for float32 products: the process-wide
/// <see cref="NumericsMode"/>. Two things decide them, both only before MKL's first product:
/// <list type="bullet">
/// <item>MKL checks the vendor before the instruction set, so on an AMD CPU with AVX-512 it would run a generic
/// path (level 0 on the project's EPYC machine) at a fraction of the CPU's rate, and ignore any reproducibility
/// setting. A one-function library (<see cref="ShimFileName"/>, built next to the program from
/// <c>Platform/Native/mkl_intel_cpu.c</c>) answers the vendor check for MKL when it is loaded first.</item>
/// <item>MKL's conditional numerical reproducibility (the <c>MKL_CBWR</c> environment variable, read by MKL from
/// the native environment at its first product) fixes the code path and, in strict mode, the order of every
/// sum whatever the thread count.</item>
/// </list>
/// The mode is applied when this assembly loads, from <see cref="EnvironmentVariable"/> (default
/// <see cref="NumericsMode.Fast"/>); <see cref="Configure"/> changes it until MKL's first product.
/// </summary>
/// <remarks>
/// Measured on the project's AMD EPYC (AVX-512) machine with the training host's reference run: with the
/// vendor check answered, every MKL setting gives exactly the weights an Intel Xeon gives with the same
/// setting, and the strict settings give the same weights at 1 and 2 threads; without it, MKL ignores
/// <c>MKL_CBWR</c> on AMD. .NET's <see cref="Environment.SetEnvironmentVariable(string, string)"/> changes only
/// .NET's own copy of the environment on Linux, so the setting goes through libc's <c>setenv</c>; it is not
/// passed on to child processes started through .NET, which apply their own mode.
/// </remarks>
public static class MklDispatch
{
    /// <summary>The file name of the vendor-check library, looked for next to the program.</summary>
    public const string ShimFileName = "librqvae_mkl_intel_cpu.so";

    /// <summary>The environment variable that chooses the mode when the assembly loads: <c>fast</c> (default) or <c>portable</c>.</summary>
    public const string EnvironmentVariable = "RQVAE_NUMERICS";

    /// <summary>MKL's own reproducibility variable; one already in the environment is left alone (an expert's override).</summary>
    public const string MklReproducibilityVariable = "MKL_CBWR";

    private const int RtldNow = 2;
    private const int RtldGlobal = 0x100;
    private static readonly Lock Gate = new();
    private static bool shimLoaded;
    private static NumericsMode? mode;
    private static string? branch;
    private static string? problem;

    /// <summary>The mode applied in this process, or null where there is nothing to apply (not Linux x64).</summary>
    public static NumericsMode? Mode
    {
        get { lock (Gate) return mode; }
    }

    /// <summary>The <c>MKL_CBWR</c> value in effect (for example <c>AVX512,STRICT</c>), or null where none is set.</summary>
    public static string? CodeBranch
    {
        get { lock (Gate) return branch; }
    }

    /// <summary>
    /// Why the mode is not fully in effect, or null when it is: the vendor-check library is missing (then an AMD
    /// CPU runs MKL's generic kernels and ignores the reproducibility setting), or <see cref="EnvironmentVariable"/>
    /// held a value that is not a mode.
    /// </summary>
    public static string? Problem
    {
        get { lock (Gate) return problem; }
    }

    /// <summary>True once the vendor-check library is loaded in this process.</summary>
    public static bool IsCpuKernelPreferenceLoaded
    {
        get { lock (Gate) return shimLoaded; }
    }

    // Runs when the assembly loads, which is before any of its torch calls: library users get the fast,
    // thread-count-independent kernels without a call of their own.
#pragma warning disable CA2255 // The mode must be in place before the first product of any code in this library; nothing else runs early enough.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void ApplyFromEnvironment()
    {
        if (!IsSupported) return;
        var setting = Environment.GetEnvironmentVariable(EnvironmentVariable);
        var valid = string.IsNullOrEmpty(setting) || TryParse(setting, out _);
        TryParse(setting, out var parsed);
        try
        {
            Configure(parsed);
        }
        catch (Exception e) when (e is FileNotFoundException or InvalidOperationException or PlatformNotSupportedException)
        {
            // Kept in Problem: an exception here would make the assembly unusable.
        }
        if (!valid)
            lock (Gate) problem = $"{EnvironmentVariable} must be \"fast\" or \"portable\", not \"{setting}\"; the fast mode applies";
    }

    /// <summary>
    /// Applies <paramref name="numerics"/> for the rest of the process: loads the vendor-check library (once) and
    /// sets <c>MKL_CBWR</c> in the native environment, unless the environment already had one. Call it before
    /// anything computes with torch: after MKL's first product it has no effect. A no-op where LibTorch's MKL
    /// does not exist (not Linux x64).
    /// </summary>
    /// <param name="numerics">The mode.</param>
    /// <param name="shimPath">The vendor-check library; default <see cref="ShimFileName"/> in the program's folder.</param>
    /// <exception cref="PlatformNotSupportedException"><see cref="NumericsMode.Portable"/> on a CPU without AVX2 and FMA.</exception>
    /// <exception cref="FileNotFoundException">The vendor-check library was not built; the reproducibility setting is applied all the same.</exception>
    /// <exception cref="InvalidOperationException">The library exists but could not be loaded.</exception>
    public static void Configure(NumericsMode numerics, string? shimPath = null)
    {
        if (!Enum.IsDefined(numerics)) throw new ArgumentOutOfRangeException(nameof(numerics), numerics, "Not a numerics mode.");
        if (!IsSupported) return;
        var flags = CpuFlags.Current;
        if (numerics == NumericsMode.Portable && !CpuFlags.HasAvx2(flags))
            throw new PlatformNotSupportedException("The portable numerics mode needs a CPU with AVX2 and FMA; this one has neither, so use the fast mode.");
        lock (Gate)
        {
            // MKL_CBWR from the process's own environment (not one this class set) wins: .NET's copy is the
            // environment the process started with.
            branch = Environment.GetEnvironmentVariable(MklReproducibilityVariable) is { Length: > 0 } given ? given : BranchFor(numerics, flags);
            if (SetEnv(MklReproducibilityVariable, branch, 1) != 0)
                throw new InvalidOperationException($"Could not set {MklReproducibilityVariable} in the process environment.");
            mode = numerics;
            problem = null;
        }
        try
        {
            PreferCpuKernels(shimPath);
        }
        catch (Exception e) when (e is FileNotFoundException or InvalidOperationException or PlatformNotSupportedException)
        {
            lock (Gate) problem = e.Message;
            throw;
        }
    }

    /// <summary>Reads a mode as the tool spells it: <c>fast</c> or <c>portable</c> (any case).</summary>
    public static bool TryParse(string? text, out NumericsMode numerics)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "fast":
                numerics = NumericsMode.Fast;
                return true;
            case "portable":
                numerics = NumericsMode.Portable;
                return true;
            default:
                numerics = NumericsMode.Fast;
                return false;
        }
    }

    /// <summary>
    /// The <c>MKL_CBWR</c> value of a mode on a CPU with <paramref name="cpuFlags"/> (the flags of /proc/cpuinfo):
    /// portable is AVX2 everywhere; fast is MKL's AVX-512 path where the CPU has the AVX-512 subsets it needs
    /// (F, CD, BW, DQ, VL), else AVX2, else MKL's automatic choice; always strict.
    /// </summary>
    public static string BranchFor(NumericsMode numerics, IReadOnlySet<string> cpuFlags)
    {
        ArgumentNullException.ThrowIfNull(cpuFlags);
        if (numerics == NumericsMode.Portable) return "AVX2,STRICT";
        if (CpuFlags.HasAvx512(cpuFlags)) return "AVX512,STRICT";
        return CpuFlags.HasAvx2(cpuFlags) ? "AVX2,STRICT" : "AUTO,STRICT";
    }

    /// <summary>
    /// Loads the vendor-check library so MKL dispatches on the CPU's instruction set rather than its vendor, for
    /// the rest of the process (<see cref="Configure"/> does this). Idempotent.
    /// </summary>
    /// <param name="shimPath">The vendor-check library; default <see cref="ShimFileName"/> in the program's folder.</param>
    /// <exception cref="PlatformNotSupportedException">Not on Linux.</exception>
    /// <exception cref="FileNotFoundException">The library was not built (no C compiler at build time).</exception>
    /// <exception cref="InvalidOperationException">The library exists but could not be loaded.</exception>
    public static void PreferCpuKernels(string? shimPath = null)
    {
        if (!OperatingSystem.IsLinux()) throw new PlatformNotSupportedException("The MKL vendor-check override exists for Linux builds of LibTorch only.");
        var path = shimPath ?? Path.Combine(AppContext.BaseDirectory, ShimFileName);
        if (!File.Exists(path))
            throw new FileNotFoundException($"The MKL vendor-check library '{path}' is missing, so MKL chooses its kernels by CPU vendor (slow and not reproducible on AMD). The build makes it with a C compiler (cc): install one (apt-get install gcc) and rebuild.", path);
        lock (Gate)
        {
            if (shimLoaded) return;
            // Global scope is the point: symbols of libraries loaded later (LibTorch) resolve here first.
            if (DlOpen(path, RtldNow | RtldGlobal) == IntPtr.Zero)
                throw new InvalidOperationException($"Could not load the MKL vendor-check library '{path}': {Marshal.PtrToStringUTF8(DlError()) ?? "unknown error"}.");
            shimLoaded = true;
        }
    }

    /// <summary>
    /// The code path MKL chose for this CPU (MKL's own <c>mkl_serv_cpu_detect</c>: 0 generic … 7 AVX-512),
    /// or null when LibTorch carries no MKL. Loads LibTorch if it is not loaded yet.
    /// </summary>
    public static int? KernelLevel()
    {
        // Loading through TorchSharp's assembly finds LibTorch where TorchSharp itself finds it.
        if (!NativeLibrary.TryLoad("libtorch_cpu.so", typeof(TorchSharp.torch).Assembly, DllImportSearchPath.AssemblyDirectory | DllImportSearchPath.SafeDirectories, out var library))
            return null;
        if (!NativeLibrary.TryGetExport(library, "mkl_serv_cpu_detect", out var detect)) return null;
        return Marshal.GetDelegateForFunctionPointer<CpuDetect>(detect)(0);
    }

    /// <summary>A one-line description for logs: the mode, MKL's setting and any problem.</summary>
    public static string Describe()
    {
        lock (Gate)
        {
            if (mode is null) return "numerics: MKL's own choice (not Linux x64)";
            var text = $"numerics {mode.Value.ToString().ToLowerInvariant()} ({MklReproducibilityVariable}={branch}{(shimLoaded ? ", vendor check answered" : "")})";
            return problem is null ? text : $"{text}; {problem}";
        }
    }

    private static bool IsSupported => OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture == Architecture.X64;

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int CpuDetect(int unused);

    // Plain DllImport (not LibraryImport) keeps the assembly free of unsafe code; each is called once per process.
    [DllImport("libc", EntryPoint = "dlopen", CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern IntPtr DlOpen([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "dlerror")]
    private static extern IntPtr DlError();

    [DllImport("libc", EntryPoint = "setenv", CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern int SetEnv([MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.LPUTF8Str)] string value, int overwrite);
}

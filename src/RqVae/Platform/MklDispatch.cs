using System.Runtime.InteropServices;

namespace RqVae.Platform;

/// <summary>
/// Which kernels LibTorch's statically linked Intel MKL uses for float32 products, and the opt-in that
/// lets it use the CPU's best ones on non-Intel CPUs. MKL checks the vendor before it checks the
/// instruction set, so on an AMD CPU with AVX-512 it dispatches to a generic path (level 0 on the
/// project's EPYC machine) and every layer of the model runs at a fraction of the CPU's rate.
/// <see cref="PreferCpuKernels"/> loads a one-function library (built next to the program from
/// <c>Platform/Native/mkl_intel_cpu.c</c>) whose answer to the vendor check takes precedence over MKL's own.
/// </summary>
/// <remarks>
/// Off by default, because it changes results: another kernel rounds differently, so training follows a
/// different trajectory and an ID near a code boundary can change, exactly as between an Intel and an
/// AMD machine. Runs stay deterministic with it on. The speed benchmark measures both settings.
/// </remarks>
public static class MklDispatch
{
    /// <summary>The file name of the vendor-check library, looked for next to the program.</summary>
    public const string ShimFileName = "librqvae_mkl_intel_cpu.so";

    /// <summary>The environment variable with which the <c>rqvae</c> tool turns <see cref="PreferCpuKernels"/> on ("1").</summary>
    public const string EnvironmentVariable = "RQVAE_MKL_AVX512";

    private const int RtldNow = 2;
    private const int RtldGlobal = 0x100;
    private static readonly Lock Gate = new();
    private static bool shimLoaded;

    /// <summary>True once <see cref="PreferCpuKernels"/> has loaded the vendor-check library in this process.</summary>
    public static bool IsCpuKernelPreferenceLoaded
    {
        get { lock (Gate) return shimLoaded; }
    }

    /// <summary>
    /// Makes MKL dispatch on the CPU's instruction set rather than its vendor, for the rest of the process.
    /// Call it before anything uses torch: MKL decides once, at its first product. Idempotent.
    /// </summary>
    /// <param name="shimPath">The vendor-check library; default <see cref="ShimFileName"/> in the program's folder.</param>
    /// <exception cref="PlatformNotSupportedException">Not on Linux.</exception>
    /// <exception cref="FileNotFoundException">The library was not built (no C compiler at build time).</exception>
    /// <exception cref="InvalidOperationException">The library exists but could not be loaded.</exception>
    public static void PreferCpuKernels(string? shimPath = null)
    {
        if (!OperatingSystem.IsLinux()) throw new PlatformNotSupportedException("The MKL vendor-check override exists for Linux builds of LibTorch only.");
        lock (Gate)
        {
            if (shimLoaded) return;
            var path = shimPath ?? Path.Combine(AppContext.BaseDirectory, ShimFileName);
            if (!File.Exists(path))
                throw new FileNotFoundException($"The MKL vendor-check library '{path}' is missing: the build makes it only where a C compiler (cc) is installed. Install one (apt-get install gcc) and rebuild, or leave {EnvironmentVariable} unset.", path);
            // Global scope is the point: symbols of libraries loaded later (LibTorch) resolve here first.
            if (DlOpen(path, RtldNow | RtldGlobal) == IntPtr.Zero)
                throw new InvalidOperationException($"Could not load the MKL vendor-check library '{path}': {Marshal.PtrToStringUTF8(DlError()) ?? "unknown error"}.");
            shimLoaded = true;
        }
    }

    /// <summary>
    /// The code path MKL chose for this CPU (MKL's own <c>mkl_serv_cpu_detect</c>: 0 generic … 7 AVX-512),
    /// or null when LibTorch carries no MKL. Loads LibTorch if it is not loaded yet, so call
    /// <see cref="PreferCpuKernels"/> first when both are wanted.
    /// </summary>
    public static int? KernelLevel()
    {
        // Loading through TorchSharp's assembly finds LibTorch where TorchSharp itself finds it.
        if (!NativeLibrary.TryLoad("libtorch_cpu.so", typeof(TorchSharp.torch).Assembly, DllImportSearchPath.AssemblyDirectory | DllImportSearchPath.SafeDirectories, out var library))
            return null;
        if (!NativeLibrary.TryGetExport(library, "mkl_serv_cpu_detect", out var detect)) return null;
        return Marshal.GetDelegateForFunctionPointer<CpuDetect>(detect)(0);
    }

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int CpuDetect(int unused);

    // Plain DllImport (not LibraryImport) keeps the assembly free of unsafe code; both are called once per process.
    [DllImport("libc", EntryPoint = "dlopen", CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern IntPtr DlOpen([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "dlerror")]
    private static extern IntPtr DlError();
}

namespace RqVae.Platform;

/// <summary>
/// Which float32 kernels LibTorch's Intel MKL runs, and so which machines give byte-identical weights and IDs
/// for the same data, options and seed. Applied once per process, before the first product (see <see cref="MklDispatch"/>).
/// </summary>
public enum NumericsMode
{
    /// <summary>
    /// The default: the widest code path the CPU has (AVX-512 where present, else AVX2) in MKL's strict
    /// conditional-reproducibility mode, with MKL's vendor check bypassed so AMD and Intel CPUs take the same
    /// kernels. Results do not depend on the thread count. They have matched between an AMD and an Intel CPU
    /// with AVX-512, but not on every AVX-512 machine, and an AVX-512 machine and an AVX2-only machine differ
    /// in low-order bits (and so, rarely, in an ID near a code boundary): <see cref="Portable"/> is the mode
    /// that promises the same weights on every machine.
    /// </summary>
    Fast,

    /// <summary>
    /// MKL's AVX2 code path in strict mode on every CPU: the same weights and IDs on every x86-64 machine with
    /// AVX2, whichever the vendor and thread count, at the cost of AVX-512's speed where the CPU has it.
    /// </summary>
    Portable,
}

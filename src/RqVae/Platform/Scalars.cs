using TorchSharp;

namespace RqVae.Platform;

/// <summary>
/// TorchSharp scalars that live for the whole process. TorchSharp hands a <see cref="Scalar"/> to libtorch as a raw
/// pointer, so a temporary one (<c>t * 2</c>, or the alpha of 1 inside <c>a + b</c>) is garbage as soon as its pointer
/// is read, and a collection started by another thread can finalize it, freeing the native scalar while libtorch still
/// reads it: a crash, or arithmetic with whatever number has taken its memory. A scalar held by a static field, or by a
/// <c>using</c> local until the call returns, cannot be collected. The repository's analyzer (RQ0001) rejects temporary
/// ones in the shipped code; these are the constants it needs most. Each has the type the implicit conversion of the
/// same literal would have had, so an operation gives the same result with it as without.
/// </summary>
public static class Scalars
{
    /// <summary>1 as a 32-bit integer scalar: the alpha of a plain <c>a + b</c>.</summary>
    public static readonly Scalar One = 1.ToScalar();

    /// <summary>2 as a 32-bit integer scalar (squares: <c>pow(Scalars.Two)</c>).</summary>
    public static readonly Scalar Two = 2.ToScalar();

    /// <summary>0 as a 32-bit integer scalar.</summary>
    public static readonly Scalar Zero = 0.ToScalar();
}

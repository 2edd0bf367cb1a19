using RqVae.Platform;
using TorchSharp;
using static TorchSharp.torch;

namespace RqVae.Quantization;

/// <summary>
/// Balanced assignment of a batch to a codebook by the Sinkhorn–Knopp algorithm (Cuturi 2013; used by
/// LC-Rec on the last level of its semantic IDs): the transport plan exp(−d/ε) is rescaled, alternately,
/// so every code receives N/K of the mass and every item a mass of 1; each item then takes the code with
/// the largest share of its mass. Runs in float64 and in the log domain, so a small ε does not overflow;
/// if the plan still turns NaN or infinite, the batch falls back to plain nearest-code assignment and a
/// warning is raised instead of an exception.
/// </summary>
public sealed class SinkhornAssignment
{
    private long fallbacks;

    /// <summary>Creates the assignment with temperature <paramref name="epsilon"/> and a number of scaling rounds.</summary>
    /// <param name="epsilon">ε &gt; 0, relative to the batch's distance range (distances are rescaled to span 1 first).</param>
    /// <param name="iterations">Rounds of column-then-row scaling, ≥ 1.</param>
    /// <param name="warning">Receives one message per batch that fell back to plain assignment; may be null.</param>
    public SinkhornAssignment(double epsilon, int iterations, Action<string>? warning = null)
    {
        if (!(epsilon > 0) || !double.IsFinite(epsilon)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "ε must be a finite number > 0.");
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        Epsilon = epsilon;
        Iterations = iterations;
        Warning = warning;
    }

    /// <summary>ε, the entropy temperature.</summary>
    public double Epsilon { get; }

    /// <summary>Scaling rounds.</summary>
    public int Iterations { get; }

    /// <summary>Where fallback warnings go (null: only counted).</summary>
    public Action<string>? Warning { get; set; }

    /// <summary>Batches that fell back to plain assignment because the plan was not finite.</summary>
    public long Fallbacks => Interlocked.Read(ref fallbacks);

    /// <summary>The balanced code of each row of <paramref name="distances"/> [N, K] (squared distances), int64 [N].</summary>
    public Tensor Assign(Tensor distances)
    {
        ArgumentNullException.ThrowIfNull(distances);
        if (distances.dim() != 2) throw new ArgumentException("Distances must be [N, K].", nameof(distances));
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var plain = distances.argmin(1);
        var n = distances.shape[0];
        var k = distances.shape[1];
        if (n <= 1) return plain.MoveToOuterDisposeScope();
        var d = distances.detach().to(ScalarType.Float64);
        // Rescaling to a unit range makes ε mean the same thing whatever the scale of the latents.
        var range = (d.max() - d.min()).item<double>();
        if (!double.IsFinite(range)) return Fallback(plain, "the distances are not finite").MoveToOuterDisposeScope();
        if (range == 0) return plain.MoveToOuterDisposeScope();
        using var scale = (-range * Epsilon).ToScalar();
        var logPlan = (d - d.mean()).div(scale);
        using var logColumnMass = Math.Log((double)n / k).ToScalar();
        for (var it = 0; it < Iterations; it++)
        {
            logPlan = (logPlan - logPlan.logsumexp(0, keepdim: true)).add(logColumnMass, Scalars.One);
            logPlan = logPlan - logPlan.logsumexp(1, keepdim: true);
        }
        if (!logPlan.isfinite().all().item<bool>()) return Fallback(plain, "the transport plan became NaN or infinite").MoveToOuterDisposeScope();
        return logPlan.argmax(1).MoveToOuterDisposeScope();
    }

    private Tensor Fallback(Tensor plain, string why)
    {
        Interlocked.Increment(ref fallbacks);
        Warning?.Invoke($"Sinkhorn balanced assignment fell back to nearest-code assignment for a batch of {plain.shape[0]} rows: {why}.");
        return plain;
    }
}

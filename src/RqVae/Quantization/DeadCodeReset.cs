using RqVae.Platform;
using static TorchSharp.torch;

namespace RqVae.Quantization;

/// <summary>
/// Revives dead codes between training steps. Each level keeps a moving average of how often each code
/// is chosen, relative to uniform use (1 = each code chosen N/K times per batch of N). Once the average
/// covers a full window of steps, a code whose average falls under <see cref="Threshold"/> is re-seeded
/// with the residual of the batch item its level fits worst, so the worst-served item is served
/// exactly and the code is back in use. Works under <c>no_grad</c> on detached tensors, after the
/// optimizer step, never inside an autograd graph.
/// </summary>
public sealed class DeadCodeReset
{
    private readonly double[][] usage;
    private long steps;
    private long resets;

    /// <summary>Creates the tracker for <paramref name="levels"/> levels of <paramref name="codebookSize"/> codes.</summary>
    /// <param name="levels">L.</param>
    /// <param name="codebookSize">K.</param>
    /// <param name="threshold">Relative usage under which a code is dead, in (0, 1).</param>
    /// <param name="decay">Decay of the moving average per step, in (0, 1); the window is about 1 / (1 − decay) steps.</param>
    public DeadCodeReset(int levels, int codebookSize, double threshold, double decay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(levels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(codebookSize, 2);
        if (threshold is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "The threshold must be in (0, 1).");
        if (decay is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(decay), decay, "The decay must be in (0, 1).");
        Threshold = threshold;
        Decay = decay;
        usage = Enumerable.Range(0, levels).Select(_ => new double[codebookSize]).ToArray();
    }

    /// <summary>The tracker <paramref name="options"/> ask for: null when <see cref="QuantizerOptions.DeadCodeReset"/> is off.</summary>
    public static DeadCodeReset? For(QuantizerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.DeadCodeReset ? new DeadCodeReset(options.Levels, options.CodebookSize, options.DeadCodeThreshold, options.CodeUsageDecay) : null;
    }

    /// <summary>Relative usage under which a code counts as dead.</summary>
    public double Threshold { get; }

    /// <summary>Decay of the usage average per step.</summary>
    public double Decay { get; }

    /// <summary>Codes re-seeded so far, all levels together.</summary>
    public long TotalResets => resets;

    /// <summary>Steps before the first reset: the average must first cover one window, or every code unseen in the first batches would look dead.</summary>
    public long WarmupSteps => (long)Math.Ceiling(1 / (1 - Decay));

    /// <summary>The bias-corrected relative usage of each code of <paramref name="level"/> (1 = uniform).</summary>
    public double[] Usage(int level)
    {
        var correction = steps == 0 ? 1 : 1 - Math.Pow(Decay, steps);
        return usage[level].Select(u => u / correction).ToArray();
    }

    /// <summary>A copy of the tracker's state (usage averages, steps, resets), for training checkpoints.</summary>
    public DeadCodeResetState Capture() => new(usage.Select(u => (double[])u.Clone()).ToArray(), steps, resets);

    /// <summary>Restores a state taken by <see cref="Capture"/> (on resume), so a resumed run resets the same codes.</summary>
    public void Restore(DeadCodeResetState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Usage.Length != usage.Length || state.Usage.Where((u, l) => u.Length != usage[l].Length).Any())
            throw new ArgumentException("The saved dead-code state is for another number of levels or codes.", nameof(state));
        for (var l = 0; l < usage.Length; l++) state.Usage[l].CopyTo(usage[l], 0);
        steps = state.Steps;
        resets = state.TotalResets;
    }

    /// <summary>
    /// Records the codes a step chose and re-seeds the codes that are dead; returns how many were re-seeded.
    /// </summary>
    /// <param name="quantizer">The residual quantizer being trained (its codebooks are changed in place).</param>
    /// <param name="latent">The batch's latents [B, D] (detached here).</param>
    /// <param name="codes">The codes the step chose, [B, L].</param>
    public int AfterStep(ResidualQuantizer quantizer, Tensor latent, Tensor codes)
    {
        ArgumentNullException.ThrowIfNull(quantizer);
        ArgumentNullException.ThrowIfNull(latent);
        ArgumentNullException.ThrowIfNull(codes);
        if (quantizer.LevelCount != usage.Length) throw new ArgumentException($"The quantizer has {quantizer.LevelCount} levels, the tracker {usage.Length}.", nameof(quantizer));
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var batch = codes.shape[0];
        steps++;
        for (var l = 0; l < usage.Length; l++)
        {
            var k = usage[l].Length;
            var counts = bincount(codes.select(1, l), minlength: k).to(ScalarType.Float64).data<double>().ToArray();
            var uniform = (double)batch / k;
            for (var c = 0; c < k; c++) usage[l][c] = Decay * usage[l][c] + (1 - Decay) * counts[c] / uniform;
        }
        if (steps < WarmupSteps) return 0;

        var correction = 1 - Math.Pow(Decay, steps);
        var deadByLevel = usage.Select(u => Enumerable.Range(0, u.Length).Where(c => u[c] / correction < Threshold).ToArray()).ToArray();
        // Residuals are needed only down to the deepest level with a dead code; most steps have none.
        var levelsToWalk = Array.FindLastIndex(deadByLevel, d => d.Length > 0) + 1;
        var residual = latent.detach();
        var revived = 0;
        for (var l = 0; l < levelsToWalk; l++)
        {
            var level = quantizer.Levels[l];
            var dead = deadByLevel[l];
            var assigned = level.NearestCodes(residual);
            var next = residual - level.CodeVectorsOf(assigned);
            if (dead.Length > 0)
            {
                var take = (int)Math.Min(dead.Length, batch);
                var errors = next.pow(Scalars.Two).sum(1);
                var worst = errors.sort(0, descending: true, stable: true).Indices.narrow(0, 0, take);
                var seeds = residual.index_select(0, worst);
                var deadIndex = tensor(dead.Take(take).Select(c => (long)c).ToArray());
                level.ReseedCodes(deadIndex, seeds);
                // A re-seeded code starts at uniform usage: it gets a full window to prove itself.
                foreach (var c in dead.Take(take)) usage[l][c] = correction;
                revived += take;
                assigned = level.NearestCodes(residual);
                next = residual - level.CodeVectorsOf(assigned);
            }
            residual = next;
        }
        resets += revived;
        return revived;
    }
}

/// <summary>The state of a <see cref="DeadCodeReset"/>: relative usage per level and code (not bias-corrected), steps seen, resets made.</summary>
public sealed record DeadCodeResetState(double[][] Usage, long Steps, long TotalResets);

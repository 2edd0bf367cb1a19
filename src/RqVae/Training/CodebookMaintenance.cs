using RqVae.Metrics;
using RqVae.Model;
using RqVae.Quantization;
using static TorchSharp.torch;

namespace RqVae.Training;

/// <summary>
/// What the trainer does around its steps to keep codebooks alive and to keep the best epoch: dead-code
/// reset after each optimizer step, and checkpoint selection after each evaluated epoch. Kept out of
/// <see cref="RqVaeTrainer"/> so the training loop only calls three hooks.
/// </summary>
internal sealed class CodebookMaintenance : IDisposable
{
    private readonly DeadCodeReset? deadCodes;
    private readonly CheckpointSelection selection;
    private readonly int firstSelectableEpoch;
    private Dictionary<string, Tensor>? best;
    private EpochMetrics? bestMetrics;
    private long epochResets;

    public CodebookMaintenance(RqVaeTrainerOptions options, RqVaeOptions model)
    {
        if (options.DeadCodeReset)
            deadCodes = new DeadCodeReset(model.Levels, model.CodebookSize, options.DeadCodeThreshold, options.CodeUsageDecay);
        selection = options.CheckpointSelection;
        firstSelectableEpoch = options.FirstSelectableEpoch;
    }

    /// <summary>The epoch whose weights were kept, once <see cref="RestoreSelected"/> has run.</summary>
    public int? SelectedEpoch => bestMetrics?.Epoch;

    /// <summary>The dead-code tracker (null when reset is off); its <see cref="DeadCodeReset.Capture"/> / <see cref="DeadCodeReset.Restore"/> let a checkpoint carry it.</summary>
    public DeadCodeReset? DeadCodes => deadCodes;

    /// <summary>The weights kept by checkpoint selection so far and their epoch (null when none), for training checkpoints.</summary>
    public (IReadOnlyDictionary<string, Tensor>? Weights, EpochMetrics? Metrics) Selected => (best, bestMetrics);

    /// <summary>Restores what <see cref="Selected"/> returned (on resume); the tensors are copied.</summary>
    public void RestoreSelection(IReadOnlyDictionary<string, Tensor>? weights, EpochMetrics? metrics)
    {
        Release();
        best = weights?.ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());
        bestMetrics = weights is null ? null : metrics;
    }

    /// <summary>After the optimizer step: counts usage and re-seeds dead codes (no autograd).</summary>
    public void AfterStep(RqVaeModule module, RqVaeOutput output)
    {
        if (deadCodes is null) return;
        epochResets += deadCodes.AfterStep(module.Quantizer, output.Latent, output.Codes);
    }

    /// <summary>Codes re-seeded since the last call.</summary>
    public long TakeEpochResets()
    {
        var n = epochResets;
        epochResets = 0;
        return n;
    }

    /// <summary>After an epoch: keeps a copy of the weights if the epoch is in the selection window and the best so far by the chosen measure.</summary>
    public void AfterEpoch(EpochMetrics metrics, RqVaeModule module)
    {
        if (selection == CheckpointSelection.Last || metrics.Evaluation is null || metrics.Epoch < firstSelectableEpoch) return;
        if (bestMetrics is not null && !Better(metrics.Evaluation, bestMetrics.Evaluation!)) return;
        Release();
        best = module.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());
        bestMetrics = metrics;
    }

    /// <summary>After the last epoch: loads the kept weights back into <paramref name="module"/>.</summary>
    public void RestoreSelected(RqVaeModule module)
    {
        if (best is null) return;
        using var noGrad = no_grad();
        var current = module.state_dict();
        foreach (var (name, tensor) in best) current[name].copy_(tensor);
    }

    // Later epochs win ties: with a decaying learning rate they are the better-trained ones.
    private bool Better(EvaluationReport candidate, EvaluationReport incumbent) => selection switch
    {
        CheckpointSelection.LowestCollisionRate => candidate.Collisions.CollisionRate < incumbent.Collisions.CollisionRate
            || (candidate.Collisions.CollisionRate == incumbent.Collisions.CollisionRate && candidate.Reconstruction.Mse <= incumbent.Reconstruction.Mse),
        CheckpointSelection.HighestCosine => candidate.Reconstruction.MeanCosine >= incumbent.Reconstruction.MeanCosine,
        CheckpointSelection.LowestReconstructionMse => candidate.Reconstruction.Mse <= incumbent.Reconstruction.Mse,
        _ => true,
    };

    private void Release()
    {
        if (best is null) return;
        foreach (var t in best.Values) t.Dispose();
        best = null;
    }

    public void Dispose() => Release();
}

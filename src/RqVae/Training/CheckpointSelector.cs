using RqVae.Metrics;
using static TorchSharp.torch;

namespace RqVae.Training;

/// <summary>
/// Checkpoint selection: after each evaluated epoch of the selection window, keeps a copy of the weights when the
/// epoch is the best so far by <see cref="RqVaeTrainerOptions.CheckpointSelection"/>, and puts the kept weights back
/// after the last epoch.
/// </summary>
internal sealed class CheckpointSelector : IDisposable
{
    private readonly CheckpointSelection selection;
    private readonly int firstSelectableEpoch;
    private Dictionary<string, Tensor>? best;
    private EpochMetrics? bestMetrics;

    public CheckpointSelector(RqVaeTrainerOptions options)
    {
        selection = options.CheckpointSelection;
        firstSelectableEpoch = options.FirstSelectableEpoch;
    }

    /// <summary>The epoch whose weights were kept, once <see cref="RestoreSelected"/> has run.</summary>
    public int? SelectedEpoch => bestMetrics?.Epoch;

    /// <summary>The weights kept so far and their epoch (null when none), for training checkpoints.</summary>
    public (IReadOnlyDictionary<string, Tensor>? Weights, EpochMetrics? Metrics) Selected => (best, bestMetrics);

    /// <summary>Restores what <see cref="Selected"/> returned (on resume); the tensors are copied.</summary>
    public void RestoreSelection(IReadOnlyDictionary<string, Tensor>? weights, EpochMetrics? metrics)
    {
        Release();
        best = weights?.ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());
        bestMetrics = weights is null ? null : metrics;
    }

    /// <summary>After an epoch: keeps a copy of the weights if the epoch is in the selection window and the best so far by the chosen measure.</summary>
    public void AfterEpoch(EpochMetrics metrics, nn.Module module)
    {
        if (selection == CheckpointSelection.Last || metrics.Evaluation is null || metrics.Epoch < firstSelectableEpoch) return;
        if (bestMetrics is not null && !Better(metrics.Evaluation, bestMetrics.Evaluation!)) return;
        Release();
        best = module.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());
        bestMetrics = metrics;
    }

    /// <summary>After the last epoch: loads the kept weights back into <paramref name="module"/>.</summary>
    public void RestoreSelected(nn.Module module)
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

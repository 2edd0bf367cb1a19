using System.Runtime.InteropServices;
using System.Security.Cryptography;
using RqVae.Model;
using RqVae.Quantization;
using static TorchSharp.torch;

namespace RqVae.Training.Checkpointing;

/// <summary>
/// The trainer's side of checkpointing: decides when to write, writes, and finds the checkpoint to resume
/// from. One instance serves one <see cref="RqVaeTrainer.Fit"/> call.
/// </summary>
internal sealed class TrainingCheckpointer
{
    private readonly CheckpointOptions options;
    private readonly RqVaeTrainerOptions trainerOptions;
    private readonly int rows;
    private readonly int dimension;
    private readonly string dataSha256;

    public TrainingCheckpointer(CheckpointOptions options, RqVaeTrainerOptions trainerOptions, float[] features, int dimension)
    {
        this.options = options.Validate();
        this.trainerOptions = trainerOptions;
        this.dimension = dimension;
        rows = features.Length / dimension;
        dataSha256 = Convert.ToHexStringLower(SHA256.HashData(MemoryMarshal.AsBytes(features.AsSpan())));
    }

    /// <summary>The last checkpoint written in this run (or resumed from), if any.</summary>
    public string? LastWritten { get; private set; }

    /// <summary>The checkpoint to continue from, checked against this run; null when starting afresh.</summary>
    public TrainingCheckpoint? LoadForResume()
    {
        if (!options.Resume || !File.Exists(options.Path)) return null;
        var checkpoint = TrainingCheckpoint.Read(options.Path);
        checkpoint.EnsureMatches(trainerOptions, rows, dimension, dataSha256);
        LastWritten = options.Path;
        return checkpoint;
    }

    /// <summary>Called after every optimizer step; writes when the step count is a multiple of <see cref="CheckpointOptions.EverySteps"/>.</summary>
    public void AfterStep(TrainingPosition position, RqVaeModule module, optim.Optimizer optimizer, Generator generator, Tensor order, DeadCodeReset? deadCodes, CheckpointSelector selector)
    {
        if (options.EverySteps > 0 && position.Step % options.EverySteps == 0)
            Write(position, module, optimizer, generator, order, deadCodes, selector);
    }

    /// <summary>Called after every completed epoch (metrics recorded); <paramref name="next"/> is the start of the following epoch.</summary>
    public void AfterEpoch(int epoch, TrainingPosition next, RqVaeModule module, optim.Optimizer optimizer, Generator generator, DeadCodeReset? deadCodes, CheckpointSelector selector)
    {
        if (options.EveryEpochs > 0 && epoch % options.EveryEpochs == 0)
            Write(next, module, optimizer, generator, order: null, deadCodes, selector);
    }

    private void Write(TrainingPosition position, RqVaeModule module, optim.Optimizer optimizer, Generator generator, Tensor? order, DeadCodeReset? deadCodes, CheckpointSelector selector)
    {
        var metadata = new CheckpointMetadata
        {
            Options = trainerOptions,
            Rows = rows,
            Dimension = dimension,
            DataSha256 = dataSha256,
            Epoch = position.Epoch,
            NextBatchStart = position.NextBatchStart,
            Step = position.Step,
            EpochLossSum = position.EpochLossSum,
            ElapsedSeconds = position.Elapsed.TotalSeconds,
            History = [.. position.History],
        };
        TrainingCheckpoint.Write(options.Path, metadata, module, optimizer, generator, order, deadCodes, selector);
        LastWritten = options.Path;
    }
}

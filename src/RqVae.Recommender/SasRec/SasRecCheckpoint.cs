using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using RqVae.IO;
using RqVae.Training.Checkpointing;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace RqVae.Recommender.SasRec;

/// <summary>
/// SASRec's training state after an epoch, in a folder: the weights, the best weights so far and Adam's state, each in
/// files named by the epoch, then <c>checkpoint.json</c> naming them (the commit point, written last and atomically),
/// then the previous epoch's files are deleted. A kill at any moment leaves a complete earlier state.
/// </summary>
internal sealed class SasRecCheckpoint(string directory, string fingerprint)
{
    public const string FileName = "checkpoint.json";

    public string Directory { get; } = directory;

    /// <summary>
    /// Identifies the data, options and seed, so a checkpoint of another run is refused. The epoch budget and the
    /// patience are left out: they decide when a run stops, not what each epoch computes, so a run may be resumed with
    /// a larger budget, or with a smaller one to keep the best epoch so far.
    /// </summary>
    public string Fingerprint { get; } = fingerprint;

    public static string FingerprintOf(RecommenderTrainingData data, SasRecOptions options)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(options with { MaxEpochs = 1, Patience = 1 }, RecommenderConfig.JsonOptions)));
        hash.AppendData(BitConverter.GetBytes(data.Seed));
        hash.AppendData(BitConverter.GetBytes(data.ItemCount));
        foreach (var s in data.TrainingSequences)
        {
            hash.AppendData(BitConverter.GetBytes(s.Length));
            foreach (var i in s) hash.AppendData(BitConverter.GetBytes(i));
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    public void Save(SasRecTrainingState state, SasRecModule module, SasRecModule best, TorchSharp.Modules.OptimizerHelper optimizer)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var previous = TryReadState();
        var weights = $"epoch-{state.Epoch}.weights.safetensors";
        var bestWeights = $"epoch-{state.Epoch}.best.safetensors";
        var adam = $"epoch-{state.Epoch}.optimizer.bin";
        AtomicFile.Write(Path.Combine(Directory, weights), s => module.save_safetensors(s, leaveOpen: true));
        AtomicFile.Write(Path.Combine(Directory, bestWeights), s => best.save_safetensors(s, leaveOpen: true));
        AtomicFile.Write(Path.Combine(Directory, adam), s =>
        {
            using var writer = new BinaryWriter(s, Encoding.UTF8, leaveOpen: true);
            optimizer.save_state_dict(writer);
        });
        var committed = state with { Fingerprint = Fingerprint, WeightsFile = weights, BestWeightsFile = bestWeights, OptimizerFile = adam };
        AtomicFile.WriteAllText(Path.Combine(Directory, FileName), JsonSerializer.Serialize(committed, RecommenderConfig.JsonOptions));
        if (previous is not null && previous.Epoch != state.Epoch)
        {
            foreach (var f in new[] { previous.WeightsFile, previous.BestWeightsFile, previous.OptimizerFile })
            {
                if (f is not null) File.Delete(Path.Combine(Directory, f));
            }
        }
    }

    /// <summary>The committed state, or null when there is none; loads it into the modules and the optimizer.</summary>
    /// <exception cref="CheckpointMismatchException">The checkpoint belongs to other data, options or seed.</exception>
    public SasRecTrainingState? Restore(SasRecModule module, SasRecModule best, TorchSharp.Modules.OptimizerHelper optimizer)
    {
        var state = TryReadState();
        if (state is null) return null;
        var path = Path.Combine(Directory, FileName);
        if (state.Fingerprint != Fingerprint)
            throw new CheckpointMismatchException(path, "it was written by a run with other data, settings or seed. Start without --resume (and --overwrite), or resume with the same settings.");
        using (var s = File.OpenRead(Path.Combine(Directory, state.WeightsFile!))) module.load_safetensors(s, strict: true);
        using (var s = File.OpenRead(Path.Combine(Directory, state.BestWeightsFile!))) best.load_safetensors(s, strict: true);
        using (var s = File.OpenRead(Path.Combine(Directory, state.OptimizerFile!)))
        using (var reader = new BinaryReader(s))
            optimizer.load_state_dict(reader);
        return state;
    }

    private SasRecTrainingState? TryReadState()
    {
        var path = Path.Combine(Directory, FileName);
        if (!File.Exists(path)) return null;
        try
        {
            return JsonSerializer.Deserialize<SasRecTrainingState>(File.ReadAllText(path), RecommenderConfig.JsonOptions);
        }
        catch (JsonException e)
        {
            throw new CheckpointMismatchException(path, $"not a SASRec checkpoint ({e.Message}). Start without --resume.");
        }
    }
}

/// <summary>Where a SASRec fit is after an epoch.</summary>
internal sealed record SasRecTrainingState
{
    public string? Fingerprint { get; init; }

    public int Epoch { get; init; }

    public int BestEpoch { get; init; }

    public double BestNdcg10 { get; init; } = double.NegativeInfinity;

    public int EpochsWithoutImprovement { get; init; }

    public long Steps { get; init; }

    public double ElapsedSeconds { get; init; }

    public string? WeightsFile { get; init; }

    public string? BestWeightsFile { get; init; }

    public string? OptimizerFile { get; init; }
}

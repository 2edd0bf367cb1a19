using System.Text.Json;
using RqVae.Model;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace RqVae.Recommender.SasRec;

/// <summary>A fitted SASRec: scores every item from the hidden state after the history's last item.</summary>
public sealed class SasRecRecommender : IRecommender
{
    /// <summary>The weights file of a saved SASRec.</summary>
    public const string WeightsFile = "model.safetensors";

    private readonly SasRecModule module;
    private readonly object gate = new();

    internal SasRecRecommender(SasRecModule module, SasRecTrainingSummary summary)
    {
        this.module = module;
        Summary = summary;
        module.eval();
    }

    /// <inheritdoc />
    public string Kind => SasRecKind.KindName;

    /// <inheritdoc />
    public int ItemCount => module.ItemCount;

    /// <summary>How the fit went: epochs run, the epoch kept and its validation NDCG@10.</summary>
    public SasRecTrainingSummary Summary { get; }

    /// <summary>The settings it was built with.</summary>
    public SasRecOptions Options => module.Options;

    /// <summary>Per item, whether it occurred in the training sequences; the others are left out of histories when ranking.</summary>
    public IReadOnlyList<bool> TrainedItems
    {
        get
        {
            lock (gate) return module.TrainedItems();
        }
    }

    /// <inheritdoc />
    public long ParameterCount => module.parameters().Sum(p => p.numel());

    /// <inheritdoc />
    public int[][] Recommend(IReadOnlyList<int[]> histories, int k, IReadOnlyList<int[]>? exclusions = null)
    {
        ArgumentNullException.ThrowIfNull(histories);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (exclusions is not null && exclusions.Count != histories.Count) throw new ArgumentException($"{exclusions.Count} exclusion lists for {histories.Count} histories.", nameof(exclusions));
        var result = new int[histories.Count][];
        const int batch = 256;
        for (var start = 0; start < histories.Count; start += batch)
        {
            var count = Math.Min(batch, histories.Count - start);
            float[] scores;
            lock (gate) scores = Score(module, histories, start, count);
            for (var i = 0; i < count; i++) result[start + i] = TopItems.Select(scores.AsSpan(i * ItemCount, ItemCount), k, exclusions?[start + i]);
        }
        return result;
    }

    /// <summary>
    /// The scores [count, N] of histories start … start + count − 1 with the module in eval mode. Items the model was not
    /// trained on are left out of a history, as they were left out of the training sequences: their input embeddings
    /// are untrained noise. A history left empty gets no preference (all scores 0).
    /// </summary>
    internal static float[] Score(SasRecModule module, IReadOnlyList<int[]> histories, int start, int count)
    {
        var length = module.Options.MaxLength;
        var trained = module.TrainedItems();
        var tokens = new long[count * length];
        var empty = new bool[count];
        for (var i = 0; i < count; i++)
        {
            var h = histories[start + i] ?? throw new ArgumentException("A history is null.", nameof(histories));
            foreach (var item in h)
            {
                if ((uint)item >= (uint)module.ItemCount) throw new RecommenderInputException($"A history names item index {item}, outside the catalogue of {module.ItemCount} items.");
            }
            var known = h.Where(item => trained[item]).ToArray();
            var take = Math.Min(length, known.Length);
            for (var t = 0; t < take; t++) tokens[i * length + (length - take) + t] = known[known.Length - take + t] + 1;
            empty[i] = known.Length == 0;
        }
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var hidden = module.forward(tensor(tokens, [count, length]));
        var last = hidden.select(1, length - 1);
        var scores = module.Scores(last).contiguous().data<float>().ToArray();
        for (var i = 0; i < count; i++)
        {
            if (empty[i]) Array.Clear(scores, i * module.ItemCount, module.ItemCount);
        }
        return scores;
    }

    /// <inheritdoc />
    public void Save(string directory)
    {
        byte[] bytes;
        using (var buffer = new MemoryStream())
        {
            lock (gate) module.save_safetensors(buffer, leaveOpen: true);
            bytes = buffer.ToArray();
        }
        var sha = RecommenderConfig.WriteWeights(directory, WeightsFile, bytes);
        new RecommenderConfig
        {
            Kind = Kind,
            ItemCount = ItemCount,
            Options = RecommenderKind<SasRecOptions>.OptionsJson(Options),
            WeightsFile = WeightsFile,
            WeightsSha256 = sha,
            State = JsonSerializer.SerializeToElement(Summary, RecommenderConfig.JsonOptions),
        }.Write(directory);
    }

    /// <summary>Loads a saved SASRec (weights checked against recommender.json's hash).</summary>
    internal static SasRecRecommender Load(string directory, RecommenderConfig config, SasRecOptions options)
    {
        var bytes = config.ReadWeights(directory);
        var module = new SasRecModule(config.ItemCount, options, generator: null);
        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            module.load_safetensors(stream, strict: true);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            module.Dispose();
            throw new ModelFormatException(Path.Combine(directory, WeightsFile), $"the weights do not fit a SASRec of these settings ({e.Message}).", e);
        }
        var summary = config.State?.Deserialize<SasRecTrainingSummary>(RecommenderConfig.JsonOptions) ?? new SasRecTrainingSummary(0, 0, double.NaN);
        return new SasRecRecommender(module, summary);
    }

    /// <inheritdoc />
    public void Dispose() => module.Dispose();
}

/// <summary>How a SASRec fit went.</summary>
/// <param name="Epochs">Epochs run.</param>
/// <param name="BestEpoch">The epoch whose weights were kept.</param>
/// <param name="ValidationNdcg10">Validation NDCG@10 of the kept weights.</param>
public sealed record SasRecTrainingSummary(int Epochs, int BestEpoch, double ValidationNdcg10);

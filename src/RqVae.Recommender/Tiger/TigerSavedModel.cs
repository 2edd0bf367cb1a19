using System.Text.Json;
using RqVae.Model;
using RqVae.SemanticIds;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace RqVae.Recommender.Tiger;

/// <summary>What a saved TIGER recommender needs besides its options and weights: the ID table, the history length, the cold items.</summary>
internal sealed record TigerState
{
    public int Levels { get; init; }
    public int[] Codes { get; init; } = [];
    public int MaxHistory { get; init; }
    public int[] ColdItems { get; init; } = [];
    public int BestEpoch { get; init; }
}

/// <summary>
/// A saved TIGER recommender's folder, read and checked once for either network: its state with the ID table and the
/// vocabulary over it, the cold items as a mask, and the weights, which <see cref="LoadInto{TModule}"/> puts into the network
/// the kind builds from its options.
/// </summary>
internal sealed class TigerSavedModel
{
    private readonly byte[] weights;
    private readonly string weightsPath;

    private TigerSavedModel(TigerState state, SemanticIdTable ids, bool[] coldItems, byte[] weights, string weightsPath)
    {
        State = state;
        Ids = ids;
        Vocabulary = TigerVocabulary.Create(ids);
        ColdItems = coldItems;
        this.weights = weights;
        this.weightsPath = weightsPath;
    }

    public TigerState State { get; }

    public SemanticIdTable Ids { get; }

    public TigerVocabulary Vocabulary { get; }

    public bool[] ColdItems { get; }

    /// <summary>Reads the state from <paramref name="config"/> and the weights from <paramref name="directory"/>; a malformed state is a <see cref="ModelFormatException"/>.</summary>
    public static TigerSavedModel Read(string directory, RecommenderConfig config)
    {
        var configPath = Path.Combine(directory, RecommenderConfig.FileName);
        TigerState state;
        try
        {
            state = config.State?.Deserialize<TigerState>(RecommenderConfig.JsonOptions) ?? throw new ModelFormatException(configPath, "the TIGER state (ID table) is missing.");
        }
        catch (JsonException e)
        {
            throw new ModelFormatException(configPath, $"the TIGER state is not valid ({e.Message}).", e);
        }
        if (state.Levels < 1 || state.Codes.Length != (long)config.ItemCount * state.Levels)
            throw new ModelFormatException(configPath, $"the TIGER state's ID table has {state.Codes.Length} codes, not {config.ItemCount} items × {state.Levels} levels.");
        var cold = new bool[config.ItemCount];
        foreach (var i in state.ColdItems)
            if ((uint)i < (uint)cold.Length) cold[i] = true;
        return new TigerSavedModel(state, new SemanticIdTable(state.Codes, state.Levels), cold, config.ReadWeights(directory), Path.Combine(directory, config.WeightsFile!));
    }

    /// <summary>Loads the saved weights into <paramref name="module"/> (strictly: every tensor, each of its shape) and returns it; disposes it on failure.</summary>
    public TModule LoadInto<TModule>(TModule module) where TModule : nn.Module
    {
        try
        {
            using var stream = new MemoryStream(weights, writable: false);
            module.load_safetensors(stream, strict: true);
            return module;
        }
        catch (Exception e) when (e is not ModelFormatException)
        {
            module.Dispose();
            throw new ModelFormatException(weightsPath, $"the weights do not match the TIGER options in {RecommenderConfig.FileName} ({e.Message}). Train the recommender again.", e);
        }
    }
}

using RqVae.Recommender.Protocol;
using RqVae.Recommender.Tiger;
using RqVae.Recommender.Tiger.Modules;
using RqVae.SemanticIds;
using TorchSharp;
using static TorchSharp.torch;

namespace RqVae.Recommender.Tests.Tiger;

/// <summary>Small catalogues, tasks and networks for the TIGER tests.</summary>
internal static class TigerFixtures
{
    /// <summary>A tiny network: fast enough to train in seconds.</summary>
    public static TigerOptions TinyModel { get; } = new()
    {
        ModelDimension = 32,
        EncoderLayers = 1,
        DecoderLayers = 1,
        Heads = 2,
        HeadDimension = 16,
        FeedForwardDimension = 64,
        Dropout = 0.0,
    };

    /// <summary>
    /// <paramref name="items"/> items with random 2-level IDs over <paramref name="codes"/> codes per level (seeded), so some
    /// items collide and get a collision level, and most code pairs are no item.
    /// </summary>
    public static SemanticIdTable RandomIds(int items, int codes, int seed)
    {
        var random = new Random(seed);
        var values = new int[items * 2];
        for (var i = 0; i < values.Length; i++) values[i] = random.Next(codes);
        return new SemanticIdTable(values, 2);
    }

    /// <summary>A randomly initialised network over <paramref name="vocabulary"/>, in eval mode.</summary>
    public static TigerModule RandomModule(TigerVocabulary vocabulary, TigerOptions options, ulong seed)
    {
        using var generator = new Generator(seed);
        var module = new TigerModule(options, vocabulary, null, generator);
        module.eval();
        return module;
    }

    /// <summary>
    /// A task with a deterministic rule: the item after i is (i + 1) mod N. Each user walks the cycle from a seeded start;
    /// the last two steps of each walk are the validation and test questions.
    /// </summary>
    public static (RecommenderTrainingData Data, EvaluationCase[] Test) CycleTask(int items, int users, int length, SemanticIdTable ids, long seed)
    {
        var random = new Random((int)seed);
        var training = new List<int[]>();
        var validation = new List<EvaluationCase>();
        var test = new List<EvaluationCase>();
        for (var u = 0; u < users; u++)
        {
            var start = random.Next(items);
            var walk = Enumerable.Range(0, length).Select(t => (start + t) % items).ToArray();
            training.Add(walk[..^2]);
            validation.Add(new EvaluationCase(u, walk[..^2], walk[^2]));
            test.Add(new EvaluationCase(u, walk[..^1], walk[^1]));
        }
        var keys = Enumerable.Range(1, items).ToArray();
        return (new RecommenderTrainingData(keys, training, validation, seed, semanticIds: ids) { MaxHistory = 5 }, [.. test]);
    }
}

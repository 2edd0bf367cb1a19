using RqVae.Metrics;
using RqVae.Quantization;
using RqVae.ResidualKMeans;
using RqVae.SemanticIds;
using RqVae.Tests.Support;
using Xunit;
using static TorchSharp.torch;

namespace RqVae.Tests.Metrics;

public class MetricsTests
{
    [Fact]
    public void Perplexity_is_k_for_uniform_use_and_one_for_a_single_code()
    {
        var uniform = LevelUsage.FromCounts(0, [5, 5, 5, 5, 5, 5, 5, 5]);
        TestTensors.Near(8, uniform.Perplexity, 1e-12);
        TestTensors.Near(1, uniform.NormalizedEntropy, 1e-12);
        Assert.Equal(8, uniform.ActiveCodes);
        TestTensors.Near(0.125, uniform.LargestShare, 1e-12);

        var single = LevelUsage.FromCounts(0, [0, 0, 40, 0]);
        TestTensors.Near(1, single.Perplexity, 1e-12);
        TestTensors.Near(0, single.NormalizedEntropy, 1e-12);
        Assert.Equal(1, single.ActiveCodes);
        TestTensors.Near(1, single.LargestShare, 1e-12);
    }

    [Fact]
    public void Perplexity_of_a_skewed_distribution_matches_hand_computation()
    {
        // p = (1/4, 1/4, 1/2, 0): H = −(2·¼ ln ¼ + ½ ln ½) = 1.5 ln 2; perplexity 2^1.5; normalised 1.5 ln2 / ln 4 = 0.75.
        var usage = LevelUsage.FromCounts(0, [1, 1, 2, 0]);
        TestTensors.Near(Math.Pow(2, 1.5), usage.Perplexity, 1e-12);
        TestTensors.Near(0.75, usage.NormalizedEntropy, 1e-12);
        Assert.Equal(3, usage.ActiveCodes);
        TestTensors.Near(0.5, usage.LargestShare, 1e-12);
    }

    [Fact]
    public void Usage_is_computed_per_level_over_the_whole_table()
    {
        var ids = new SemanticIdTable([0, 1, 0, 2, 1, 3, 1, 3], 2);
        var levels = CodebookUsage.Compute(ids, 4);
        Assert.Equal(2, levels[0].ActiveCodes); // codes 0,0,1,1
        TestTensors.Near(2, levels[0].Perplexity, 1e-12);
        Assert.Equal(3, levels[1].ActiveCodes); // codes 1,2,3,3
        TestTensors.Near(0.5, levels[1].LargestShare, 1e-12);
    }

    [Fact]
    public void Collisions_count_shared_whole_ids()
    {
        // IDs: (1,2) ×3, (1,3) ×1, (4,2) ×1 → 3 distinct of 5.
        var ids = new SemanticIdTable([1, 2, 1, 2, 1, 3, 4, 2, 1, 2], 2);
        var stats = CollisionStats.Compute(ids);
        Assert.Equal(3, stats.DistinctIds);
        TestTensors.Near(1 - 3.0 / 5, stats.CollisionRate, 1e-12);
        TestTensors.Near(2.0 / 5, stats.UniqueFraction, 1e-12);
        Assert.Equal(3, stats.LargestBucket);
    }

    [Fact]
    public void Reconstruction_metrics_match_hand_computation_and_do_not_depend_on_batching()
    {
        float[] x = [1, 0, 0, 2];
        float[] y = [1, 1, 0, -2];
        // Errors (0,−1) and (0,4): MSE (0+1+0+16)/4 = 4.25, MAE (0+1+0+4)/4 = 1.25;
        // cos((1,0),(1,1)) = 1/√2, cos((0,2),(0,−2)) = −1; mean (1/√2 − 1)/2.
        var whole = new ReconstructionAccumulator();
        whole.Add(x, y, 2);
        var batched = new ReconstructionAccumulator();
        batched.Add(x.AsSpan(0, 2), y.AsSpan(0, 2), 2);
        batched.Add(x.AsSpan(2, 2), y.AsSpan(2, 2), 2);
        foreach (var result in new[] { whole.Result(), batched.Result() })
        {
            TestTensors.Near(4.25, result.Mse, 1e-12);
            TestTensors.Near(1.25, result.Mae, 1e-12);
            TestTensors.Near((1 / Math.Sqrt(2) - 1) / 2, result.MeanCosine, 1e-12);
        }
    }

    [Fact]
    public void A_report_of_given_ids_measures_those_ids_not_the_tokenizers_own()
    {
        // 1-D, worked by hand: x = 1; level 1 codes {0.9, 0}, level 2 codes {1, −0.5}.
        // Greedy gives (0, 1): reconstruction 0.4, squared error 0.36. The beam's (1, 0) reconstructs 1 exactly.
        var levels = new[] { new float[] { 0.9f, 0f }, [1f, -0.5f] }.Select(codes =>
        {
            var q = new VectorQuantizer(2, 1);
            q.SetCodebook(tensor(codes, [2, 1]));
            return q;
        }).ToArray();
        using var tokenizer = new ResidualKMeansTokenizer(new ResidualQuantizer(levels), new ResidualKMeansOptions { Levels = 2, CodebookSize = 2 });
        float[] x = [1f, 1f];

        var own = EvaluationReport.Evaluate(tokenizer, x, out var greedy);
        Assert.Equal([0, 1, 0, 1], greedy.Codes.ToArray());
        TestTensors.Near(0.36, own.Reconstruction.Mse, 1e-6);

        var beam = new SemanticIdTable([1, 0, 1, 0], 2);
        var report = EvaluationReport.Of(tokenizer, x, beam, batchRows: 1);
        TestTensors.Near(0, report.Reconstruction.Mse, 1e-12);
        Assert.Equal(0.5, report.Collisions.CollisionRate);
        Assert.Equal(1, report.Levels[0].ActiveCodes);
        Assert.Throws<ArgumentException>(() => EvaluationReport.Of(tokenizer, x, beam.Slice(0, 1)));
    }

    [Fact]
    public void A_slice_copies_the_chosen_rows()
    {
        var table = new SemanticIdTable([1, 2, 3, 4, 5, 6], 2);
        Assert.Equal([3, 4, 5, 6], table.Slice(1, 2).Codes.ToArray());
        Assert.Equal(0, table.Slice(3, 0).Count);
        Assert.Throws<ArgumentOutOfRangeException>(() => table.Slice(2, 2));
    }
}

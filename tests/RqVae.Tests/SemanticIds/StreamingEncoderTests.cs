using RqVae.SemanticIds;
using RqVae.Tests.Support;
using RqVae.Tests.Training;
using RqVae.Training;
using Xunit;

namespace RqVae.Tests.SemanticIds;

/// <summary>Encoding streams, one batch in memory at a time.</summary>
public sealed class StreamingEncoderTests
{
    [Fact]
    public void Batches_are_pulled_one_at_a_time_and_give_the_ids_of_one_whole_call()
    {
        var data = SyntheticClusters.Create(seed: 8);
        using var trained = new RqVaeTrainer(RqVaeTrainerTests.SmallOptions() with { Epochs = 2 }).Fit(data.Features, data.Dimension);
        var whole = trained.Tokenizer.Encode(data.Features).Codes.ToArray();

        var produced = 0;
        IEnumerable<ReadOnlyMemory<float>> Source()
        {
            for (var start = 0; start < data.Rows; start += 33)
            {
                produced++;
                yield return data.Features.AsMemory(start * data.Dimension, Math.Min(33, data.Rows - start) * data.Dimension);
            }
        }
        var parts = new List<int>();
        var consumed = 0;
        foreach (var part in StreamingEncoder.Encode(trained.Tokenizer, Source()))
        {
            consumed++;
            Assert.Equal(consumed, produced); // nothing was read ahead
            parts.AddRange(part.Codes.ToArray());
        }
        Assert.Equal(whole, parts.ToArray());
        Assert.Equal((400 + 32) / 33, consumed);
    }

    [Fact]
    public void Encoding_far_more_data_than_one_batch_keeps_managed_memory_flat()
    {
        var data = SyntheticClusters.Create(seed: 8);
        using var trained = new RqVaeTrainer(RqVaeTrainerTests.SmallOptions() with { Epochs = 1 }).Fit(data.Features, data.Dimension);
        const int batchRows = 8192, batches = 300; // 300 × 8192 × 16 floats ≈ 157 MB streamed through
        IEnumerable<ReadOnlyMemory<float>> Source()
        {
            var random = new Random(3);
            for (var b = 0; b < batches; b++)
            {
                var batch = new float[batchRows * data.Dimension]; // a fresh buffer per batch, as a file reader would fill
                for (var i = 0; i < batch.Length; i++) batch[i] = (float)random.NextDouble();
                yield return batch;
            }
        }
        long baseline = 0, peak = 0, rows = 0;
        var index = 0;
        foreach (var part in StreamingEncoder.Encode(trained.Tokenizer, Source()))
        {
            rows += part.Count;
            if (++index == 10) baseline = GC.GetTotalMemory(forceFullCollection: true);
            if (index > 10 && index % 50 == 0) peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: true));
        }
        Assert.Equal((long)batchRows * batches, rows);
        // One batch is 512 KiB; if batches were kept, 290 more would add ≈ 150 MB.
        Assert.True(peak - baseline < 16L << 20, $"managed memory grew by {peak - baseline:N0} bytes while streaming");
    }
}

using RqVae.Model;
using RqVae.Tests.Support;
using RqVae.Tests.Training;
using RqVae.Training;
using Xunit;
using static TorchSharp.torch;

namespace RqVae.Tests.CrossCutting;

/// <summary>One fitted model serves many threads with the IDs of serial calls.</summary>
public sealed class ConcurrencyTests
{
    private const int Threads = 8;

    [Fact]
    public async Task Eight_threads_encoding_one_model_get_the_ids_of_serial_calls()
    {
        var data = SyntheticClusters.Create(clusters: 8, perCluster: 250, seed: 6); // 2000 items
        using var trained = new RqVaeTrainer(RqVaeTrainerTests.SmallOptions() with { Epochs = 3 }).Fit(data.Features, data.Dimension);
        var model = trained.Tokenizer;
        // Serial answers for slices of several sizes and offsets, including more rows than one encoding batch.
        var slices = Enumerable.Range(0, 24).Select(i => (Start: i * 37 % 1500, Rows: 1 + i * 41 % 500)).ToArray();
        var serial = slices.Select(s => model.Encode(data.Features.AsSpan(s.Start * data.Dimension, s.Rows * data.Dimension)).Codes.ToArray()).ToArray();
        var serialReconstruction = model.Reconstruct(model.Encode(data.Features));

        using var start = new Barrier(Threads);
        var mismatches = 0;
        var workers = Enumerable.Range(0, Threads).Select(t => Task.Factory.StartNew(() =>
        {
            start.SignalAndWait();
            for (var round = 0; round < 20; round++)
            {
                var i = (t * 7 + round) % slices.Length;
                var (first, rows) = slices[i];
                var ids = model.Encode(data.Features.AsSpan(first * data.Dimension, rows * data.Dimension)).Codes.ToArray();
                if (!ids.AsSpan().SequenceEqual(serial[i])) Interlocked.Increment(ref mismatches);
                if (round % 5 == 0 && !model.Reconstruct(model.Encode(data.Features)).AsSpan().SequenceEqual(serialReconstruction))
                    Interlocked.Increment(ref mismatches);
            }
        }, TaskCreationOptions.LongRunning)).ToArray();
        await Task.WhenAll(workers);
        Assert.Equal(0, mismatches);
    }

    [Fact]
    public async Task No_grad_and_dispose_scopes_are_thread_local()
    {
        // The tokenizer relies on both: a no_grad or a dispose scope on one thread must not reach another.
        using var entered = new ManualResetEventSlim();
        using var checkedOther = new ManualResetEventSlim();
        var holder = Task.Factory.StartNew(() =>
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            entered.Set();
            checkedOther.Wait();
        }, TaskCreationOptions.LongRunning);
        entered.Wait();
        var (gradEnabled, tensorAlive) = await Task.Factory.StartNew(() =>
        {
            var enabled = is_grad_enabled();
            var t = ones(3);
            return (enabled, t);
        }, TaskCreationOptions.LongRunning);
        checkedOther.Set();
        await holder; // the other thread's scope is now disposed
        Assert.True(gradEnabled, "no_grad on one thread switched autograd off on another");
        using (tensorAlive) Assert.Equal(3f, tensorAlive.sum().item<float>()); // not disposed by the other thread's scope
    }
}

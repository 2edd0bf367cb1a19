using System.Runtime.InteropServices;
using RqVae.Model;
using RqVae.Platform;
using RqVae.SemanticIds;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RqVae.Inference;

/// <summary>
/// Features → semantic IDs for a fitted <see cref="RqVaeTokenizer"/>, faster than its
/// <see cref="RqVaeTokenizer.Encode(ReadOnlySpan{float})"/> and, with default options, bit-identical to it. It performs the
/// same floating-point operations in the same order and drops only the work whose result is thrown
/// away or recomputed: codebook norms are computed once instead of per batch and level, ReLU and the
/// residual update run in place (no temporaries), features are copied into one reused input buffer
/// and codes are copied out as one block, the model's module tree and autograd are bypassed.
/// At construction a probe batch is encoded both ways; if the two disagree (a quantizer option this
/// path does not reproduce), every call falls back to the plain encoder, see <see cref="IsAccelerated"/>.
/// Not thread-safe (it reuses buffers): use one per thread. Dispose it to free the buffers.
/// </summary>
public sealed class FastEncoder : IDisposable
{
    private const int ProbeRows = 256;
    private readonly RqVaeTokenizer tokenizer;
    private readonly Func<Tensor, Tensor>[] layers;
    private readonly Tensor[] codebooks;
    private readonly Tensor[] codeNorms;
    private readonly List<Tensor> owned = [];
    private Tensor? input;
    private bool disposed;

    /// <summary>Prepares the fast path for <paramref name="tokenizer"/> (which stays owned by the caller and must outlive this encoder).</summary>
    public FastEncoder(RqVaeTokenizer tokenizer, FastEncoderOptions? options = null)
    {
        this.tokenizer = tokenizer ?? throw new ArgumentNullException(nameof(tokenizer));
        Options = (options ?? new FastEncoderOptions()).Validate();
        using var noGrad = no_grad();
        layers = CompileLayers(tokenizer.Module.Encoder, Options.BFloat16);
        var levels = tokenizer.Module.Quantizer.Levels;
        codebooks = levels.Select(level => Keep(level.Codebook.detach())).ToArray();
        // The same expression as VectorQuantizer.SquaredDistances, evaluated once: the same values.
        codeNorms = codebooks.Select(c => Keep(c.pow(Scalars.Two).sum(1).unsqueeze(0))).ToArray();
        IsAccelerated = Options.BFloat16 || ProbeAgrees();
    }

    /// <summary>The options in force.</summary>
    public FastEncoderOptions Options { get; }

    /// <summary>
    /// True when calls take the fast path; false when the construction probe found that it would not
    /// give the plain encoder's IDs for this model, so calls use the plain encoder instead.
    /// </summary>
    public bool IsAccelerated { get; }

    /// <summary>The semantic IDs of the rows of <paramref name="features"/> (row-major, <see cref="RqVaeTokenizer.InputDimension"/> values per row).</summary>
    public SemanticIdTable Encode(ReadOnlySpan<float> features) => Encode(features, Span<float>.Empty);

    /// <summary>
    /// The semantic IDs of the rows of <paramref name="features"/> and, when <paramref name="lastLevelResiduals"/> is not
    /// empty, each row's last-level residual written into it ([rows, latent width]): the residual this pass quantizes at the
    /// last level, bit for bit <see cref="CodeSpace.LastLevelResiduals"/>'s, without running the encoder again.
    /// </summary>
    public SemanticIdTable Encode(ReadOnlySpan<float> features, Span<float> lastLevelResiduals)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        var rows = BatchedInference.CheckRows(features, tokenizer.InputDimension);
        if (!lastLevelResiduals.IsEmpty && lastLevelResiduals.Length != rows * tokenizer.CodeDimension)
            throw new ArgumentException($"{lastLevelResiduals.Length} residual values for {rows} rows of width {tokenizer.CodeDimension}.", nameof(lastLevelResiduals));
        if (!IsAccelerated)
        {
            var plain = tokenizer.Encode(features);
            if (!lastLevelResiduals.IsEmpty) CodeSpace.LastLevelResiduals(tokenizer, features, plain).CopyTo(lastLevelResiduals);
            return plain;
        }
        if (Options.Threads == 0) return EncodeFast(features, lastLevelResiduals);
        var previous = get_num_threads();
        set_num_threads(Options.Threads);
        try { return EncodeFast(features, lastLevelResiduals); }
        finally { set_num_threads(previous); }
    }

    private SemanticIdTable EncodeFast(ReadOnlySpan<float> features, Span<float> lastLevelResiduals)
    {
        var dimension = tokenizer.InputDimension;
        var width = tokenizer.CodeDimension;
        var rows = BatchedInference.CheckRows(features, dimension);
        var levels = tokenizer.Levels;
        var codes = new int[rows * levels];
        using var noGrad = no_grad();
        for (var start = 0; start < rows; start += Options.BatchSize)
        {
            var count = Math.Min(Options.BatchSize, rows - start);
            using var scope = NewDisposeScope();
            var x = InputBuffer(count, dimension);
            MemoryMarshal.AsBytes(features.Slice(start * dimension, count * dimension)).CopyTo(x.bytes);
            var ids = EncodeBatch(x, out var lastResidual);
            MemoryMarshal.Cast<byte, int>(ids.bytes).CopyTo(codes.AsSpan(start * levels, count * levels));
            if (!lastLevelResiduals.IsEmpty)
                MemoryMarshal.Cast<byte, float>(lastResidual.contiguous().bytes).CopyTo(lastLevelResiduals.Slice(start * width, count * width));
        }
        return new SemanticIdTable(codes, levels);
    }

    /// <summary>[B, input] → [B, L] int32 codes, and the residual the last level quantized, [B, latent] float32.</summary>
    private Tensor EncodeBatch(Tensor x, out Tensor lastResidual)
    {
        var h = Options.BFloat16 ? x.to(ScalarType.BFloat16) : x;
        foreach (var layer in layers) h = layer(h);
        var residual = Options.BFloat16 ? h.to(ScalarType.Float32) : h;
        var codes = new Tensor[codebooks.Length];
        for (var l = 0; l < codebooks.Length; l++)
        {
            // ‖e‖² − 2 r·e + ‖r‖², exactly as VectorQuantizer.SquaredDistances evaluates it.
            var inputNorms = residual.pow(Scalars.Two).sum(1, keepdim: true);
            var distances = addmm(codeNorms[l], residual, codebooks[l].t(), beta: 1, alpha: -2).add_(inputNorms, Scalars.One);
            codes[l] = distances.argmin(1);
            if (l + 1 < codebooks.Length)
            {
                // The encoder's output is this method's own temporary, so it may be updated in place.
                residual = residual.sub_(codebooks[l].index_select(0, codes[l]));
            }
        }
        lastResidual = residual;
        return stack(codes, 1).to(ScalarType.Int32);
    }

    /// <summary>A [rows, dimension] input tensor: the reused one for full batches, a fresh one (disposed with the batch) for the last, shorter batch.</summary>
    private Tensor InputBuffer(int rows, int dimension)
    {
        if (rows != Options.BatchSize) return empty(rows, dimension, dtype: ScalarType.Float32);
        if (input is null)
        {
            input = empty(rows, dimension, dtype: ScalarType.Float32);
            input.DetachFromDisposeScope();
        }
        return input;
    }

    /// <summary>
    /// The encoder's layers as functions: Linear as <c>linear(x, W, b)</c> (what Linear.forward calls),
    /// ReLU in place, anything else through its own forward.
    /// </summary>
    private Func<Tensor, Tensor>[] CompileLayers(Modules.Encoder encoder, bool bfloat16)
    {
        var sequential = encoder.children().OfType<Sequential>().SingleOrDefault()
            ?? throw new NotSupportedException("The encoder has no Sequential of layers; FastEncoder cannot compile it.");
        var compiled = new List<Func<Tensor, Tensor>>();
        foreach (var child in sequential.children())
        {
            switch (child)
            {
                case Linear linear:
                    var weight = Keep(bfloat16 ? linear.weight!.detach().to(ScalarType.BFloat16) : linear.weight!.detach());
                    var bias = linear.bias is null ? null : Keep(bfloat16 ? linear.bias.detach().to(ScalarType.BFloat16) : linear.bias.detach());
                    compiled.Add(h => nn.functional.linear(h, weight, bias));
                    break;
                case ReLU:
                    compiled.Add(h => h.relu_());
                    break;
                case nn.Module<Tensor, Tensor> other:
                    compiled.Add(other.forward);
                    break;
                default:
                    throw new NotSupportedException($"FastEncoder cannot run encoder layer {child.GetType().Name}.");
            }
        }
        return [.. compiled];
    }

    private Tensor Keep(Tensor t)
    {
        t.DetachFromDisposeScope();
        owned.Add(t);
        return t;
    }

    /// <summary>Encodes a fixed pseudo-random batch both ways; any difference means this path does not model the quantizer.</summary>
    private bool ProbeAgrees()
    {
        var dimension = tokenizer.InputDimension;
        var random = new Random(12345);
        var probe = new float[ProbeRows * dimension];
        for (var i = 0; i < probe.Length; i++) probe[i] = (float)(random.NextDouble() * 2 - 1);
        var fast = EncodeFast(probe, Span<float>.Empty);
        var plain = tokenizer.Encode(probe);
        return fast.Codes.SequenceEqual(plain.Codes);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        input?.Dispose();
        foreach (var t in owned) t.Dispose();
    }
}

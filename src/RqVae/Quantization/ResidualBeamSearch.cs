using RqVae.Platform;
using TorchSharp;
using static TorchSharp.torch;

namespace RqVae.Quantization;

/// <summary>
/// Residual encoding with a beam, as FAISS's <c>ResidualQuantizer</c> does it: at each level every one of
/// the B partial codes kept so far is extended by every code, and the B extensions with the smallest total
/// residual error ‖x − Σ_l c_l‖² are kept. Greedy encoding commits to the nearest code at each level and
/// cannot recover when that choice leaves a residual the later levels fit badly; a beam can. B = 1 is
/// exactly greedy encoding (ties go to the lowest code index).
/// </summary>
public static class ResidualBeamSearch
{
    /// <summary>The codes [N, L] (int64) of the rows of <paramref name="inputs"/> [N, D] under the given codebooks.</summary>
    /// <param name="inputs">Vectors to encode, [N, D].</param>
    /// <param name="codebooks">One [K_l, D] codebook per level, level 1 first.</param>
    /// <param name="beamWidth">B ≥ 1, partial codes kept per row.</param>
    public static Tensor Encode(Tensor inputs, IReadOnlyList<Tensor> codebooks, int beamWidth)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(codebooks);
        ArgumentOutOfRangeException.ThrowIfLessThan(beamWidth, 1);
        if (codebooks.Count == 0) throw new ArgumentException("At least one codebook is needed.", nameof(codebooks));
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var n = inputs.shape[0];
        var d = inputs.shape[1];
        if (beamWidth == 1) return Greedy(inputs, codebooks).MoveToOuterDisposeScope();

        // State per row: B residuals [N, B, D], their squared norms (the total error so far) and their codes [N, B, l].
        var residuals = inputs.detach().unsqueeze(1);
        Tensor? codes = null;
        foreach (var codebook in codebooks)
        {
            var k = codebook.shape[0];
            var beams = residuals.shape[1];
            var flat = residuals.reshape(n * beams, d);
            var distances = addmm(codebook.pow(Scalars.Two).sum(1).unsqueeze(0), flat, codebook.t(), beta: 1, alpha: -2)
                .add_(flat.pow(Scalars.Two).sum(1, keepdim: true), Scalars.One)
                .reshape(n, beams * k);
            var keep = Math.Min(beamWidth, beams * k);
            // topk is not stable; sorting stably keeps ties at the lowest (beam, code) index, as argmin does.
            var order = distances.sort(1, descending: false, stable: true).Indices.narrow(1, 0, keep);
            using var codeCount = k.ToScalar();
            var parent = order.div(codeCount, rounding_mode: RoundingMode.floor);
            var code = order.remainder(codeCount);
            var parentResiduals = residuals.gather(1, parent.unsqueeze(2).expand(n, keep, d));
            residuals = parentResiduals - codebook.index_select(0, code.reshape(-1)).reshape(n, keep, d);
            codes = codes is null
                ? code.unsqueeze(2)
                : cat([codes.gather(1, parent.unsqueeze(2).expand(n, keep, codes.shape[2])), code.unsqueeze(2)], 2);
        }
        // The beams come out sorted by total error, so the first is the best.
        return codes!.select(1, 0).contiguous().MoveToOuterDisposeScope();
    }

    private static Tensor Greedy(Tensor inputs, IReadOnlyList<Tensor> codebooks)
    {
        var residual = inputs.detach();
        var codes = new Tensor[codebooks.Count];
        for (var l = 0; l < codebooks.Count; l++)
        {
            var codebook = codebooks[l];
            // The same arithmetic as VectorQuantizer.SquaredDistances, so ties break identically.
            var distances = addmm(codebook.pow(Scalars.Two).sum(1).unsqueeze(0), residual, codebook.t(), beta: 1, alpha: -2)
                .add_(residual.pow(Scalars.Two).sum(1, keepdim: true), Scalars.One);
            codes[l] = distances.argmin(1);
            residual = residual - codebook.index_select(0, codes[l]);
        }
        return stack(codes, 1);
    }
}

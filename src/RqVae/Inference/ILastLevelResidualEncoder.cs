using RqVae.SemanticIds;

namespace RqVae.Inference;

/// <summary>
/// An encoder that has each row's last-level residual in hand while it encodes, so collision handling need not run the
/// encoder a second time to get it (<see cref="CodeSpace.EncodeWithLastLevelResiduals"/> asks for it).
/// </summary>
internal interface ILastLevelResidualEncoder
{
    /// <summary>
    /// The IDs of the rows of <paramref name="features"/>, and in <paramref name="lastLevelResiduals"/> ([rows, code width])
    /// bit for bit what <see cref="CodeSpace.LastLevelResiduals"/> gives for them.
    /// </summary>
    SemanticIdTable Encode(ReadOnlySpan<float> features, Span<float> lastLevelResiduals);
}

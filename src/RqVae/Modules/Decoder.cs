namespace RqVae.Modules;

/// <summary>
/// Reconstructs the feature vector from the quantized latent. It mirrors the encoder: its hidden
/// sizes are the encoder's in reverse order (latent → 128 → 256 → 512 → input by default).
/// </summary>
public sealed class Decoder(int latentDimension, IReadOnlyList<int> encoderHiddenDimensions, int outputDimension)
    : Mlp(nameof(Decoder), latentDimension, encoderHiddenDimensions.Reverse().ToArray(), outputDimension);

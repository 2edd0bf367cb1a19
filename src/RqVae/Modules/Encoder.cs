namespace RqVae.Modules;

/// <summary>Maps an item's feature vector to its continuous latent: input → hidden… → latent.</summary>
public sealed class Encoder(int inputDimension, IReadOnlyList<int> hiddenDimensions, int latentDimension)
    : Mlp(nameof(Encoder), inputDimension, hiddenDimensions, latentDimension);

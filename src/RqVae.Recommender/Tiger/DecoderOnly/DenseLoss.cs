using static TorchSharp.torch;

namespace RqVae.Recommender.Tiger.DecoderOnly;

/// <summary>The dense head's term of the decoder-only loss: its weight, its softmax temperature and the cold items' mask [N].</summary>
internal sealed record DenseLoss(double Weight, double Temperature, Tensor Cold);

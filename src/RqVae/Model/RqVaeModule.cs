using RqVae.Modules;
using RqVae.Platform;
using RqVae.Quantization;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace RqVae.Model;

/// <summary>
/// The RQ-VAE network: encoder → residual quantizer → decoder. Its fields are named <c>encoder</c>,
/// <c>quantizer</c> and <c>decoder</c>, so a PyTorch module with the same classes and field names loads its
/// state_dict unchanged (<c>encoder.layers.0.weight</c>, <c>quantizer.quantizers.0.embeddings.weight</c>, …).
/// </summary>
public sealed class RqVaeModule : Module<Tensor, RqVaeOutput>
{
    private readonly Encoder encoder;
    private readonly ResidualQuantizer quantizer;
    private readonly Decoder decoder;

    /// <summary>
    /// Builds the network for <paramref name="options"/> (validated first). Initial weights are drawn from
    /// <paramref name="generator"/> when given (reproducible whatever else runs in the process), else from
    /// torch's process-wide generator.
    /// </summary>
    /// <param name="options">The architecture.</param>
    /// <param name="generator">Source of the initial weights; null for torch's process-wide generator.</param>
    /// <param name="reconstructionWeight">See <see cref="ReconstructionWeight"/>; a finite number &gt; 0.</param>
    /// <param name="warning">Receives the fallback warnings of balanced quantizer levels; may be null.</param>
    public RqVaeModule(RqVaeOptions options, Generator? generator = null, double reconstructionWeight = 1.0, Action<string>? warning = null) : base(nameof(RqVaeModule))
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!(reconstructionWeight > 0) || !double.IsFinite(reconstructionWeight))
            throw new ArgumentOutOfRangeException(nameof(reconstructionWeight), reconstructionWeight, "The reconstruction weight must be a finite number > 0.");
        Options = options.Validate();
        ReconstructionWeight = reconstructionWeight;
        encoder = new Encoder(options.InputDimension, options.HiddenDimensions, options.LatentDimension);
        quantizer = new ResidualQuantizer(options.Quantization, options.LatentDimension, warning);
        decoder = new Decoder(options.LatentDimension, options.HiddenDimensions, options.InputDimension);
        RegisterComponents();
        if (generator is not null) ParameterInitialization.Reset(this, generator);
    }

    /// <summary>The architecture this module was built for.</summary>
    public RqVaeOptions Options { get; }

    /// <summary>The encoder MLP.</summary>
    public Encoder Encoder => encoder;

    /// <summary>The residual quantizer.</summary>
    public ResidualQuantizer Quantizer => quantizer;

    /// <summary>The decoder MLP.</summary>
    public Decoder Decoder => decoder;

    /// <summary>
    /// Weight w of the reconstruction term in the total loss, w·recon + β·commitment + codebook. 1 by default
    /// (a plain mean squared error); the trainer passes 1 / mean(x²) of the training data when
    /// <see cref="Training.RqVaeTrainerOptions.NormalizeReconstructionLoss"/> is on. Not saved with the model:
    /// it matters only for training.
    /// </summary>
    public double ReconstructionWeight { get; }

    /// <summary>z = encoder(x).</summary>
    public Tensor Encode(Tensor features) => encoder.forward(features);

    /// <summary>x̂ = decoder(quantized latent).</summary>
    public Tensor Decode(Tensor quantizedLatent) => decoder.forward(quantizedLatent);

    /// <inheritdoc />
    public override RqVaeOutput forward(Tensor features)
    {
        var latent = encoder.forward(features);
        var quantized = quantizer.forward(latent);
        var reconstruction = decoder.forward(quantized.Quantized);
        var reconstructionLoss = functional.mse_loss(reconstruction, features);
        using var reconstructionWeight = ReconstructionWeight.ToScalar();
        using var commitmentWeight = Options.CommitmentWeight.ToScalar();
        var total = reconstructionLoss.mul(reconstructionWeight)
            .add(quantized.CommitmentLoss.mul(commitmentWeight), Scalars.One)
            .add(quantized.CodebookLoss, Scalars.One);
        return new RqVaeOutput(reconstruction, latent, quantized.Codes, reconstructionLoss, quantized.CommitmentLoss, quantized.CodebookLoss, total);
    }
}

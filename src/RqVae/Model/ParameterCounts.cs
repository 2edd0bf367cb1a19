using RqVae.Quantization;
namespace RqVae.Model;

/// <summary>Sizes of an architecture worked out from its options alone, before (or instead of) building it.</summary>
internal static class ParameterCounts
{
    /// <summary>Tensors the architecture needs (weights, biases, codebooks, EMA buffers); a saved model holds at least these.</summary>
    public static long TensorCount(RqVaeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var layers = (long)options.HiddenDimensions.Count + 1;
        return 4 * layers + (long)options.Quantization.Levels * (options.Quantization.Quantizer == QuantizerKind.Ema ? 3 : 1); // weight and bias per layer, both MLPs
    }

    /// <summary>
    /// Values in the encoder, decoder and codebooks (plus the EMA buffers) of <paramref name="options"/>;
    /// <see cref="long.MaxValue"/> when the count overflows. Every saved model holds at least this many values,
    /// which lets a loader refuse a config that claims a giant network before allocating any of it.
    /// </summary>
    public static long Of(RqVaeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            checked
            {
                long count = 0;
                var previous = (long)options.InputDimension;
                foreach (var width in options.HiddenDimensions.Append(options.LatentDimension))
                {
                    count += 2 * previous * width + width + previous; // an encoder layer (bias: width) and its mirror in the decoder (bias: previous)
                    previous = width;
                }
                var codebook = (long)options.Quantization.CodebookSize * options.LatentDimension;
                if (options.Quantization.Quantizer == QuantizerKind.Ema) codebook += options.Quantization.CodebookSize + (long)options.Quantization.CodebookSize * options.LatentDimension;
                return count + options.Quantization.Levels * codebook;
            }
        }
        catch (OverflowException)
        {
            return long.MaxValue;
        }
    }
}

using RqVae.Bench.Harness;
using RqVae.Inference;
using RqVae.Model;
using RqVae.SemanticIds;

namespace RqVae.Bench.Measures;

/// <summary>Features → IDs, by one of the encoding paths under test.</summary>
internal delegate SemanticIdTable EncodeFunction(ReadOnlySpan<float> features);

internal static class Encoders
{
    public static EncodeFunction Create(string path, RqVaeTokenizer tokenizer, BenchArgs args) => path switch
    {
        "plain" => tokenizer.Encode,
        "fast" => Fast(tokenizer, args, bfloat16: false),
        "fast-bf16" => Fast(tokenizer, args, bfloat16: true),
        _ => throw new ArgumentException($"Unknown encoding path \"{path}\" (plain, fast, fast-bf16)."),
    };

    private static EncodeFunction Fast(RqVaeTokenizer tokenizer, BenchArgs args, bool bfloat16)
    {
        // Lives as long as the measuring process.
        var encoder = new FastEncoder(tokenizer, new FastEncoderOptions { BatchSize = args.Int("batch", RqVaeTokenizer.DefaultBatchSize), BFloat16 = bfloat16 });
        if (!encoder.IsAccelerated) BenchResult.Log("warning: the fast encoder fell back to the plain one for this model");
        return encoder.Encode;
    }
}

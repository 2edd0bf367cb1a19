using RqVae.Cli.Tests.Support;
using RqVae.Data.Features;
using RqVae.Data.IdTables;
using RqVae.Model;

using RqVae.TestSupport;

namespace RqVae.Cli.Tests.Commands;

/// <summary>encode takes the library's FastEncoder for greedy RQ-VAE encoding: the plain encoder's IDs, bit for bit; --bf16 only on request.</summary>
public sealed class EncodeCommandTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>
{
    [Fact]
    public void Encode_takes_the_fast_path_and_gives_the_plain_encoders_ids()
    {
        using var dir = new TemporaryDirectory();
        var table = dir.File("ids.jsonl");
        var result = Tool.Run("encode", model.ModelPath, model.ItemsPath, "-o", table, "--batch-size", "7");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("fast path", result.Output);
        using var plain = RqVaeTokenizer.Load(model.ModelPath);
        Assert.Equal(plain.Encode(FeatureReader.Load(model.ItemsPath).Values).Codes.ToArray(), SemanticIdTableReader.Read(table).Codes.ToArray());
    }

    [Fact]
    public void Bf16_is_opt_in_labelled_and_refused_where_it_does_not_apply()
    {
        using var dir = new TemporaryDirectory();
        var table = dir.File("ids.csv");
        var result = Tool.Run("encode", model.ModelPath, model.ItemsPath, "-o", table, "--bf16");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("bfloat16", result.Output);
        // This machine's own flags decide the warning (the project's CI CPU has AVX-512 BF16).
        Assert.Equal(RqVae.Platform.CpuFlags.HasAvx512BFloat16(RqVae.Platform.CpuFlags.Current), !result.Error.Contains("avx512_bf16", StringComparison.Ordinal));
        var read = SemanticIdTableReader.Read(table);
        Assert.Equal(64, read.Count);
        Assert.All(read.Codes.ToArray(), c => Assert.InRange(c, 0, 3));

        Assert.Equal(ExitCodes.Usage, Tool.Run("encode", model.ModelPath, model.ItemsPath, "-o", dir.File("b.csv"), "--bf16", "--beam", "2").ExitCode);
        var rkm = dir.File("rkm");
        Assert.Equal(0, Tool.Run("train", model.ItemsPath, "-o", rkm, "--tokenizer", "residual-kmeans", "--levels", "2", "-k", "4").ExitCode);
        var refused = Tool.Run("encode", rkm, model.ItemsPath, "-o", dir.File("c.csv"), "--bf16");
        Assert.Equal(ExitCodes.Usage, refused.ExitCode);
        Assert.Contains("--bf16", refused.Error);
        Assert.False(File.Exists(dir.File("c.csv")));
    }

    [Fact]
    public void Bf16_on_a_CPU_without_AVX512_BF16_is_warned_about_and_with_it_is_not()
    {
        var warning = RqVae.Cli.Options.EncodingOptionSet.BFloat16Warning(new HashSet<string> { "avx2", "fma", "avx512f", "avx512bw" });
        Assert.NotNull(warning);
        Assert.Contains("avx512_bf16", warning);
        Assert.Contains("slower than float32", warning);
        Assert.Null(RqVae.Cli.Options.EncodingOptionSet.BFloat16Warning(new HashSet<string> { "avx2", "avx512f", "avx512_bf16" }));
    }
}

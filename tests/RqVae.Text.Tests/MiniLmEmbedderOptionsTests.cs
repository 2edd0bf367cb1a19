using RqVae.Text;

namespace RqVae.Text.Tests;

public sealed class MiniLmEmbedderOptionsTests
{
    [Fact]
    public void Defaults_are_valid_and_documented()
    {
        var options = new MiniLmEmbedderOptions().Validate();
        Assert.Equal(Environment.ProcessorCount, options.IntraOpThreads);
        Assert.Equal(32, options.BatchSize);
        Assert.Equal(256, options.MaxTokens);
        Assert.False(options.AllowThreadSpinning);
    }

    [Theory]
    [InlineData(0, 32, 256, "IntraOpThreads")]
    [InlineData(1, 0, 256, "BatchSize")]
    [InlineData(1, 32, 2, "MaxTokens")]
    [InlineData(1, 32, 513, "MaxTokens")]
    public void OutOfRangeSettings_AreRejectedByName(int threads, int batchSize, int maxTokens, string name)
    {
        var options = new MiniLmEmbedderOptions { IntraOpThreads = threads, BatchSize = batchSize, MaxTokens = maxTokens };
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => options.Validate());
        Assert.Equal(name, error.ParamName);
    }
}

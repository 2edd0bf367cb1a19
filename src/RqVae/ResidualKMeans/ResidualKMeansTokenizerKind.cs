using RqVae.Model;
using RqVae.Tokenizers;

namespace RqVae.ResidualKMeans;

/// <summary>Residual k-means as a tokenizer kind: fitted in seconds level by level, no network, nothing to resume.</summary>
public sealed class ResidualKMeansTokenizerKind : TokenizerKind<ResidualKMeansOptions>
{
    /// <inheritdoc />
    public override string Name => ResidualKMeansTokenizer.KindName;

    /// <inheritdoc />
    public override string DisplayName => "residual k-means";

    /// <inheritdoc />
    public override string Summary => "k-means on the inputs, then on the residuals, level by level; no network, seconds to fit";

    /// <inheritdoc />
    public override ISemanticIdTokenizer Load(string directory, ModelConfig config, string configPath) => ResidualKMeansTokenizer.Load(directory, config, configPath);

    /// <inheritdoc />
    protected override ResidualKMeansOptions Validate(ResidualKMeansOptions options) => options.Validate();

    /// <inheritdoc />
    protected override long Seed(ResidualKMeansOptions options) => options.Seed;

    /// <inheritdoc />
    protected override TokenizerTrainingResult Train(ResidualKMeansOptions options, TokenizerTrainingRequest request)
    {
        if (request.Checkpoints.Resume)
            throw new ArgumentException("Residual k-means has no training state to resume (it fits in seconds: run it again).", nameof(request));
        var progress = request.Progress is null ? null : new LevelProgress(request.Progress, options);
        progress?.Report(0);
        ResidualKMeansTokenizer tokenizer;
        try
        {
            tokenizer = new ResidualKMeansTrainer(options).Fit(request.Features, request.Dimension, progress, request.CancellationToken);
        }
        catch (OperationCanceledException)
        {
            return new TokenizerTrainingResult(null, [], Cancelled: true);
        }
        try
        {
            request.Directory.SaveFinal(tokenizer, request.Facts);
            return new TokenizerTrainingResult(tokenizer, [], Cancelled: false);
        }
        catch
        {
            tokenizer.Dispose();
            throw;
        }
    }

    private sealed class LevelProgress(IProgress<TokenizerTrainingProgress> inner, ResidualKMeansOptions options) : IProgress<int>
    {
        public void Report(int fitted) => inner.Report(new TokenizerTrainingProgress(fitted, options.Levels, fitted < options.Levels
            ? $"residual k-means: level {fitted + 1}/{options.Levels} ({options.CodebookSize} codes)"
            : $"residual k-means: {options.Levels} levels × {options.CodebookSize} codes fitted"));
    }
}

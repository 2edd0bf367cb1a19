namespace RqVae.Recommender.Evaluation;

/// <summary>One (row, seed) of a benchmark: the scores, the time the fit took and the model's size.</summary>
/// <param name="Seed">The training seed.</param>
/// <param name="Result">The scores on the split.</param>
/// <param name="TrainingTime">Wall time of the fit.</param>
/// <param name="EvaluationTime">Wall time of scoring validation and test.</param>
/// <param name="ParameterCount">The fitted model's learned numbers.</param>
public sealed record BenchmarkRun(long Seed, EvaluationResult Result, TimeSpan TrainingTime, TimeSpan EvaluationTime, long ParameterCount);

/// <summary>One row of a benchmark: its entry and one run per seed.</summary>
/// <param name="Label">The row's name.</param>
/// <param name="Runs">One per seed, in seed order.</param>
public sealed record BenchmarkRow(string Label, IReadOnlyList<BenchmarkRun> Runs);

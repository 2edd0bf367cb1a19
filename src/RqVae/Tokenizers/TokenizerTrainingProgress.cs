using RqVae.Training;

namespace RqVae.Tokenizers;

/// <summary>How far a training run has come.</summary>
/// <param name="Done">Units done (optimizer steps, fitted levels, …).</param>
/// <param name="Total">Units in the whole run.</param>
/// <param name="Stage">What the run is doing, for people ("k-means initialisation of the codebooks…", "level 2/3").</param>
/// <param name="Step">The optimizer step just taken, for kinds trained by gradient descent; null otherwise.</param>
public sealed record TokenizerTrainingProgress(long Done, long Total, string Stage, TrainingProgress? Step = null);

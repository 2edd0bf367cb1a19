namespace RqVae.Recommender;

/// <summary>Where a fit is: after each epoch (or once, for a kind that counts in one pass).</summary>
/// <param name="Epoch">The epoch just finished, from 1.</param>
/// <param name="Epochs">The most epochs the run may take.</param>
/// <param name="Loss">The epoch's mean training loss; NaN for a kind without one.</param>
/// <param name="ValidationNdcg10">Validation NDCG@10 after the epoch; NaN when not measured.</param>
/// <param name="BestEpoch">The epoch whose weights are kept so far.</param>
/// <param name="Elapsed">Time since the fit started.</param>
public sealed record RecommenderTrainingProgress(int Epoch, int Epochs, double Loss, double ValidationNdcg10, int BestEpoch, TimeSpan Elapsed);

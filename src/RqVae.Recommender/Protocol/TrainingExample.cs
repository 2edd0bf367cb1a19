namespace RqVae.Recommender.Protocol;

/// <summary>One (history, next item) pair cut from a training sequence.</summary>
/// <param name="User">The user's index in the split.</param>
/// <param name="History">Up to the maximum history length of the items before <paramref name="Target"/>, oldest first.</param>
/// <param name="Target">The next item, a dense index.</param>
public sealed record TrainingExample(int User, int[] History, int Target);

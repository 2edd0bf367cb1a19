namespace RqVae.Recommender.Tiger;

/// <summary>
/// The network's side of the constrained beam search: the log-probabilities of the next ID token given each beam's
/// history and its ID prefix so far. Lets one search serve the encoder-decoder and the decoder-only networks.
/// </summary>
internal interface IBeamStep
{
    /// <summary>
    /// Level <paramref name="level"/>'s log-softmax over that level's codes (row-major [beams, level size]) for each beam:
    /// beam m belongs to history <paramref name="owners"/>[m] and has generated the tokens
    /// <paramref name="prefixes"/>[m·level … m·level + level − 1] (vocabulary tokens, not codes).
    /// </summary>
    float[] LogProbabilities(int level, long[] owners, long[] prefixes);
}

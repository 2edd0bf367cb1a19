using RqVae.Recommender.Tiger.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace RqVae.Recommender.Tiger;

/// <summary>What the beam found for one history: items (or raw token sequences) best first, with their log-probabilities.</summary>
/// <param name="Items">The catalogue items, best first; −1 for a sequence that is no item (unconstrained search only).</param>
/// <param name="Scores">Each sequence's log-probability under the model (sum over its tokens of the level's log-softmax).</param>
internal sealed record BeamResult(int[] Items, double[] Scores);

/// <summary>
/// Deterministic beam search over the ID tokens, level by level: each beam's last-token log-softmax over its level's
/// codes, then (constrained) every token outside the trie children of the beam's whole prefix, and every prefix whose
/// items the user has all seen, is dropped; the best <c>beam</c> continuations over all beams survive. Ties go to the
/// earlier beam, then the smaller token, so the same model and input always give the same answer.
/// </summary>
internal static class ConstrainedBeamSearch
{
    private readonly record struct Beam(int[] Tokens, double Score, int Node);

    private readonly record struct Candidate(int Beam, int Token, double Score, int Node);

    /// <summary>
    /// Searches for every row of <paramref name="encoderInput"/> with the encoder-decoder <paramref name="module"/> (in eval mode, under no_grad).
    /// <paramref name="exclusions"/>: per row, the items that must not be returned (the history), or null.
    /// With <paramref name="constrained"/> false the trie is ignored while searching and a result that is no item is −1.
    /// </summary>
    public static BeamResult[] Search(TigerModule module, TigerVocabulary vocabulary, PrefixTrie trie, Tensor encoderInput, Tensor padding, Tensor? users,
        int beam, int k, IReadOnlyList<IReadOnlyCollection<int>?>? exclusions, bool constrained = true)
    {
        using var scope = NewDisposeScope();
        var step = new EncoderDecoderStep(module, vocabulary, encoderInput, padding, users);
        return Search(step, (int)encoderInput.shape[0], vocabulary, trie, beam, k, exclusions, constrained);
    }

    /// <summary>
    /// Searches for <paramref name="rows"/> histories whose next-token log-probabilities <paramref name="step"/> gives
    /// (any network: encoder-decoder or decoder-only). <paramref name="exclusions"/>: per row, the items that must not be
    /// returned (the history), or null. With <paramref name="constrained"/> false the trie is ignored while searching and a
    /// result that is no item is −1.
    /// </summary>
    public static BeamResult[] Search(IBeamStep step, int rows, TigerVocabulary vocabulary, PrefixTrie trie,
        int beam, int k, IReadOnlyList<IReadOnlyCollection<int>?>? exclusions, bool constrained = true)
    {
        ArgumentNullException.ThrowIfNull(step);
        ArgumentOutOfRangeException.ThrowIfLessThan(beam, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        var dead = new Dictionary<int, int>?[rows];
        if (constrained && exclusions is not null)
        {
            for (var r = 0; r < rows; r++)
            {
                if (exclusions[r] is not { Count: > 0 } excluded) continue;
                var counts = dead[r] = [];
                foreach (var item in excluded.Distinct())
                {
                    if (item < 0 || item >= vocabulary.ItemCount) continue;
                    foreach (var node in trie.Path(item)) counts[node] = counts.GetValueOrDefault(node) + 1;
                }
            }
        }
        bool IsDead(int row, int node) => dead[row] is { } counts && counts.TryGetValue(node, out var c) && c == trie.LeafCount(node);

        var beams = new List<Beam>[rows];
        for (var r = 0; r < rows; r++) beams[r] = [new Beam([], 0, PrefixTrie.Root)];
        var levels = vocabulary.Levels;
        for (var level = 0; level < levels; level++)
        {
            using var stepScope = NewDisposeScope();
            var total = beams.Sum(b => b.Count);
            if (total == 0) break;
            var prefixes = new long[total * level];
            var owner = new long[total];
            var m = 0;
            for (var r = 0; r < rows; r++)
            {
                foreach (var b in beams[r])
                {
                    for (var t = 0; t < level; t++) prefixes[m * level + t] = b.Tokens[t];
                    owner[m++] = r;
                }
            }
            var offset = vocabulary.Offset(level);
            var size = vocabulary.LevelSize(level);
            var logp = step.LogProbabilities(level, owner, prefixes);

            m = 0;
            for (var r = 0; r < rows; r++)
            {
                var candidates = new List<Candidate>();
                for (var bi = 0; bi < beams[r].Count; bi++, m++)
                {
                    var b = beams[r][bi];
                    var row = logp.AsSpan(m * size, size);
                    if (constrained)
                    {
                        var tokens = trie.ChildTokens(b.Node);
                        var nodes = trie.ChildNodes(b.Node);
                        for (var c = 0; c < tokens.Length; c++)
                        {
                            if (IsDead(r, nodes[c])) continue;
                            candidates.Add(new Candidate(bi, tokens[c], b.Score + row[tokens[c] - offset], nodes[c]));
                        }
                    }
                    else
                    {
                        for (var c = 0; c < size; c++)
                            candidates.Add(new Candidate(bi, offset + c, b.Score + row[c], b.Node < 0 ? -1 : trie.Child(b.Node, offset + c)));
                    }
                }
                var width = level == levels - 1 ? Math.Max(beam, k) : beam;
                var kept = Best(candidates, width);
                var next = new List<Beam>(kept.Count);
                foreach (var c in kept) next.Add(new Beam([.. beams[r][c.Beam].Tokens, c.Token], c.Score, c.Node));
                beams[r] = next;
            }
        }

        var results = new BeamResult[rows];
        for (var r = 0; r < rows; r++)
        {
            var top = beams[r].Take(k).ToList();
            results[r] = new BeamResult([.. top.Select(b => b.Node < 0 ? -1 : trie.ItemAt(b.Node))], [.. top.Select(b => b.Score)]);
        }
        return results;
    }

    // The encoder-decoder's step: the history is encoded once, every decoder block's cross-attention keys and values
    // projected once per history; each level runs the decoder over BOS and the beam's tokens so far.
    private sealed class EncoderDecoderStep : IBeamStep
    {
        private readonly TigerModule module;
        private readonly TigerVocabulary vocabulary;
        private readonly (Tensor Keys, Tensor Values)[] projected;
        private readonly Tensor memoryMask;

        public EncoderDecoderStep(TigerModule module, TigerVocabulary vocabulary, Tensor encoderInput, Tensor padding, Tensor? users)
        {
            this.module = module;
            this.vocabulary = vocabulary;
            var (memory, mask) = module.Encode(encoderInput, padding, users);
            projected = module.ProjectMemory(memory);
            memoryMask = mask;
        }

        public float[] LogProbabilities(int level, long[] owners, long[] prefixes)
        {
            using var scope = NewDisposeScope();
            var total = owners.Length;
            var decoderInput = new long[total * (level + 1)];
            for (var m = 0; m < total; m++)
            {
                decoderInput[m * (level + 1)] = TigerVocabulary.Bos;
                Array.Copy(prefixes, m * level, decoderInput, m * (level + 1) + 1, level);
            }
            using var ownerTensor = tensor(owners);
            var states = module.DecodeProjected(tensor(decoderInput, [total, level + 1]), projected, memoryMask, ownerTensor);
            var logits = module.Logits(states.select(1, level)).narrow(1, vocabulary.Offset(level), vocabulary.LevelSize(level));
            return nn.functional.log_softmax(logits, 1).contiguous().data<float>().ToArray();
        }
    }

    // The best `width` candidates, by score, then earlier beam, then smaller token: a total order, so the result never
    // depends on the sort's stability.
    private static List<Candidate> Best(List<Candidate> candidates, int width)
    {
        candidates.Sort(static (a, b) =>
        {
            var byScore = b.Score.CompareTo(a.Score);
            if (byScore != 0) return byScore;
            var byBeam = a.Beam.CompareTo(b.Beam);
            return byBeam != 0 ? byBeam : a.Token.CompareTo(b.Token);
        });
        if (candidates.Count > width) candidates.RemoveRange(width, candidates.Count - width);
        return candidates;
    }
}

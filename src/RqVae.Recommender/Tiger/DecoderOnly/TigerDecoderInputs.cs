using static TorchSharp.torch;

namespace RqVae.Recommender.Tiger.DecoderOnly;

/// <summary>One training window: items <see cref="Start"/> … <see cref="Start"/> + <see cref="Length"/> − 1 of a user's training sequence.</summary>
/// <param name="User">The index of the training sequence.</param>
/// <param name="Start">The window's first item.</param>
/// <param name="Length">Items in the window, at least 2 (the first is context only).</param>
internal readonly record struct TigerWindow(int User, int Start, int Length);

/// <summary>
/// The flattened token sequences of the decoder-only network. A window of n items is BOS followed by each item's L tokens
/// (per-level vocabulary offsets, the collision level included); the network reads all but the last token and is taught
/// the next one, and only the tokens of items 2 … n are targets (item 1 has no history in the window).
/// </summary>
internal static class TigerDecoderInputs
{
    /// <summary>Marks a target position that is not trained (padding, or the window's first item).</summary>
    public const long Ignored = -100;

    /// <summary>
    /// The windows of every training sequence: per user, windows of <paramref name="window"/> items ending at the last item,
    /// then <paramref name="stride"/> items earlier each, the earliest clamped to start at the first item; a sequence no
    /// longer than the window is one window. With stride &lt; window every item after a user's first is a non-first item of
    /// some window, i.e. a target. Sequences of fewer than 2 items give none.
    /// </summary>
    public static TigerWindow[] Windows(IReadOnlyList<int[]> sequences, int window, int stride)
    {
        var windows = new List<TigerWindow>();
        for (var u = 0; u < sequences.Count; u++)
        {
            var n = sequences[u].Length;
            if (n < 2) continue;
            if (n <= window)
            {
                windows.Add(new TigerWindow(u, 0, n));
                continue;
            }
            for (var end = n; ; end -= stride)
            {
                var start = Math.Max(0, end - window);
                windows.Add(new TigerWindow(u, start, Math.Min(window, n - start)));
                if (start == 0) break;
            }
        }
        return [.. windows];
    }

    /// <summary>
    /// A training batch, right-padded to the longest window of n items: input tokens [B, n·L] (BOS, then every token but
    /// the last; padding 0) and target codes [B, n, L] (level-relative codes of each item; <see cref="Ignored"/> for the
    /// first item of each window and for padding). Position j·L + l of the input predicts item j's level-l code.
    /// Right padding needs no key mask: the causal mask keeps every real position from seeing the padding after it.
    /// Also the prefix n-gram row of each input token [B, n·L] (0 for BOS and padding).
    /// </summary>
    public static (Tensor Input, Tensor Prefixes, Tensor Targets) Training(TigerVocabulary vocabulary, IReadOnlyList<int[]> sequences, ReadOnlySpan<TigerWindow> batch)
    {
        var levels = vocabulary.Levels;
        var items = 0;
        foreach (var w in batch) items = Math.Max(items, w.Length);
        var input = new long[batch.Length * items * levels];
        var prefixes = new long[input.Length];
        var targets = new long[batch.Length * items * levels];
        Array.Fill(targets, Ignored);
        for (var b = 0; b < batch.Length; b++)
        {
            var w = batch[b];
            var row = b * items * levels;
            input[row] = TigerVocabulary.Bos;
            for (var j = 0; j < w.Length; j++)
            {
                var item = sequences[w.User][w.Start + j];
                var tokens = vocabulary.Tokens(item);
                var rows = vocabulary.Prefixes(item);
                for (var l = 0; l < levels; l++)
                {
                    var position = j * levels + l;
                    if (position + 1 < w.Length * levels)
                    {
                        input[row + position + 1] = tokens[l];
                        prefixes[row + position + 1] = rows[l];
                    }
                    if (j > 0) targets[row + position] = tokens[l] - vocabulary.Offset(l);
                }
            }
        }
        return (tensor(input, [batch.Length, items * levels]), tensor(prefixes, [batch.Length, items * levels]), tensor(targets, [batch.Length, items, levels]));
    }

    /// <summary>
    /// The item each position of a training batch's items predicts [B, n] (n = the longest window; the item index, or
    /// <see cref="Ignored"/> for each window's first item and for padding), in the layout of <see cref="Training"/>'s targets.
    /// </summary>
    public static Tensor TargetItems(IReadOnlyList<int[]> sequences, ReadOnlySpan<TigerWindow> batch)
    {
        var items = 0;
        foreach (var w in batch) items = Math.Max(items, w.Length);
        var targets = new long[batch.Length * items];
        Array.Fill(targets, Ignored);
        for (var b = 0; b < batch.Length; b++)
        {
            var w = batch[b];
            for (var j = 1; j < w.Length; j++) targets[b * items + j] = sequences[w.User][w.Start + j];
        }
        return tensor(targets, [batch.Length, items]);
    }

    /// <summary>
    /// The decoding prefix of <paramref name="histories"/> (each cut to its last <paramref name="maxHistory"/> items), left-padded
    /// so that every row ends at the same position: tokens [B, P] (padding, BOS, each item's tokens; P = 1 + the longest
    /// history × L), their prefix n-gram rows [B, P] (0 for BOS and padding) and which positions are padding [B, P].
    /// An empty history is BOS alone.
    /// </summary>
    public static (Tensor Tokens, Tensor Prefixes, Tensor Padding) Prefix(TigerVocabulary vocabulary, IReadOnlyList<int[]> histories, int maxHistory)
    {
        var levels = vocabulary.Levels;
        var longest = histories.Count == 0 ? 0 : histories.Max(h => Math.Min(h.Length, maxHistory));
        var length = 1 + longest * levels;
        var tokens = new long[histories.Count * length];
        var padding = new bool[histories.Count * length];
        var prefixes = new long[tokens.Length];
        for (var b = 0; b < histories.Count; b++)
        {
            var history = histories[b];
            var take = Math.Min(history.Length, maxHistory);
            var pad = (longest - take) * levels;
            var row = b * length;
            padding.AsSpan(row, pad).Fill(true);
            tokens[row + pad] = TigerVocabulary.Bos;
            for (var i = 0; i < take; i++)
            {
                var item = history[history.Length - take + i];
                if ((uint)item >= (uint)vocabulary.ItemCount) throw new ArgumentException($"History {b} names item index {item}, outside the catalogue of {vocabulary.ItemCount} items.", nameof(histories));
                var source = vocabulary.Tokens(item);
                var rows = vocabulary.Prefixes(item);
                for (var l = 0; l < levels; l++)
                {
                    tokens[row + pad + 1 + i * levels + l] = source[l];
                    prefixes[row + pad + 1 + i * levels + l] = rows[l];
                }
            }
        }
        return (tensor(tokens, [histories.Count, length]), tensor(prefixes, [histories.Count, length]), tensor(padding, [histories.Count, length]));
    }
}

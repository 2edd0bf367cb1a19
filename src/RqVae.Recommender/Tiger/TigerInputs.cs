using static TorchSharp.torch;

namespace RqVae.Recommender.Tiger;

/// <summary>Turns histories of item indices into the encoder's input tensor and target items into decoder tokens.</summary>
internal static class TigerInputs
{
    /// <summary>
    /// The encoder input of <paramref name="histories"/> (each cut to its last <paramref name="maxHistory"/> items, left-padded):
    /// tokens [B, S·Levels] for <see cref="TigerHistoryInput.Codes"/>, prefix rows [B, S, Levels] for <see cref="TigerHistoryInput.Prefixes"/>.
    /// and which positions are padding ([B, S·Levels] or [B, S]). An empty history becomes one padding item left unmasked, so
    /// attention always has a key.
    /// </summary>
    public static (Tensor Input, Tensor Padding) Encoder(TigerVocabulary vocabulary, TigerHistoryInput input, IReadOnlyList<int[]> histories, int maxHistory)
    {
        var levels = vocabulary.Levels;
        var length = Math.Max(1, histories.Max(h => Math.Min(h.Length, maxHistory)));
        var values = new long[histories.Count * length * levels];
        var positions = input == TigerHistoryInput.Codes ? levels : 1;
        var padding = new bool[histories.Count * length * positions];
        for (var b = 0; b < histories.Count; b++)
        {
            var history = histories[b];
            var take = Math.Min(history.Length, maxHistory);
            var pad = length - take;
            if (take > 0) padding.AsSpan(b * length * positions, pad * positions).Fill(true);
            for (var i = 0; i < take; i++)
            {
                var item = history[history.Length - take + i];
                if ((uint)item >= (uint)vocabulary.ItemCount) throw new ArgumentException($"History {b} names item index {item}, outside the catalogue of {vocabulary.ItemCount} items.", nameof(histories));
                var source = input == TigerHistoryInput.Codes ? vocabulary.Tokens(item) : vocabulary.Prefixes(item);
                var at = (b * length + pad + i) * levels;
                for (var l = 0; l < levels; l++) values[at + l] = source[l];
            }
            if (take == 0) padding.AsSpan(b * length * positions + 1, length * positions - 1).Fill(true);
        }
        return input == TigerHistoryInput.Codes
            ? (tensor(values, [histories.Count, length * levels]), tensor(padding, [histories.Count, length * levels]))
            : (tensor(values, [histories.Count, length, levels]), tensor(padding, [histories.Count, length]));
    }

    /// <summary>Teacher forcing: decoder input [B, Levels] (BOS, then all but the last token) and the target codes [B, Levels] (level-relative).</summary>
    public static (Tensor Input, Tensor Codes) Decoder(TigerVocabulary vocabulary, ReadOnlySpan<int> targets)
    {
        var levels = vocabulary.Levels;
        var input = new long[targets.Length * levels];
        var codes = new long[targets.Length * levels];
        for (var b = 0; b < targets.Length; b++)
        {
            var tokens = vocabulary.Tokens(targets[b]);
            input[b * levels] = TigerVocabulary.Bos;
            for (var l = 0; l < levels; l++)
            {
                if (l + 1 < levels) input[b * levels + l + 1] = tokens[l];
                codes[b * levels + l] = tokens[l] - vocabulary.Offset(l);
            }
        }
        return (tensor(input, [targets.Length, levels]), tensor(codes, [targets.Length, levels]));
    }
}

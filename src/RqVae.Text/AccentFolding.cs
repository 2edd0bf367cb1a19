using System.Globalization;
using System.Text;

namespace RqVae.Text;

/// <summary>
/// Lower-casing and accent stripping as the original uncased BERT tokenizer does it (lower-case, NFD,
/// drop non-spacing marks), without relying on the runtime's Unicode normalisation.
/// </summary>
/// <remarks>
/// Why not <see cref="string.Normalize(NormalizationForm)"/> (which BertTokenizer's
/// RemoveNonSpacingMarks uses): with InvariantGlobalization, as this solution builds, .NET has no ICU
/// and returns non-ASCII text unchanged, so "Amélie" silently became [UNK]. A table generated from
/// Python's unicodedata (Resources/generate-accent-folding.py) gives the same ids on every machine
/// and every globalization mode, which the embedding cache relies on.
/// </remarks>
internal static class AccentFolding
{
    private const string TableResource = "RqVae.Text.Resources.accent-folding.txt";

    // Hangul syllables decompose arithmetically (Unicode §3.12) into leading, vowel and trailing jamo.
    private const int HangulBase = 0xAC00, HangulCount = 11172, LeadBase = 0x1100, VowelBase = 0x1161, TrailBase = 0x11A7;
    private const int VowelCount = 21, TrailCount = 28;

    private static readonly Lazy<Dictionary<int, string>> Table = new(LoadTable);

    /// <summary>Lower-cases <paramref name="text"/> and replaces each character by its decomposition without accents.</summary>
    public static string LowerCaseAndStripAccents(string text)
    {
        var lower = text.ToLowerInvariant();
        if (Ascii.IsValid(lower)) return lower; // nothing to fold: the common case costs one pass

        var table = Table.Value;
        var folded = new StringBuilder(lower.Length);
        foreach (var rune in lower.EnumerateRunes())
        {
            var codePoint = rune.Value;
            if (Rune.GetUnicodeCategory(rune) == UnicodeCategory.NonSpacingMark) continue;
            if (codePoint - HangulBase is >= 0 and < HangulCount and var index)
            {
                folded.Append((char)(LeadBase + index / (VowelCount * TrailCount)));
                folded.Append((char)(VowelBase + index % (VowelCount * TrailCount) / TrailCount));
                if (index % TrailCount != 0) folded.Append((char)(TrailBase + index % TrailCount));
            }
            else if (table.TryGetValue(codePoint, out var replacement)) folded.Append(replacement);
            else folded.Append(rune.ToString());
        }
        // Lower-case again: .NET's simple case mapping leaves a few letters (e.g. 'İ') upper-case that
        // Python's full mapping lowers before stripping; their folded base letter is then lowered here.
        return folded.ToString().ToLowerInvariant();
    }

    private static Dictionary<int, string> LoadTable()
    {
        using var stream = typeof(AccentFolding).Assembly.GetManifestResourceStream(TableResource)
            ?? throw new InvalidOperationException($"Embedded resource '{TableResource}' is missing.");
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var table = new Dictionary<int, string>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line[0] == '#') continue;
            var tab = line.IndexOf('\t');
            var key = int.Parse(line.AsSpan(0, tab), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            var value = new StringBuilder();
            foreach (var hex in line[(tab + 1)..].Split(' '))
                value.Append(char.ConvertFromUtf32(int.Parse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture)));
            table[key] = value.ToString();
        }
        return table;
    }
}

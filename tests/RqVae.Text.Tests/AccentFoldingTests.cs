using RqVae.Text;

namespace RqVae.Text.Tests;

/// <summary>Expected outputs are those of Python's <c>unicodedata.normalize("NFD", s.lower())</c> minus Mn.</summary>
public sealed class AccentFoldingTests
{
    [Theory]
    [InlineData("Crème Brûlée", "creme brulee")]
    [InlineData("AMÉLIE", "amelie")]
    [InlineData("Ame\u0301lie", "amelie")]              // already decomposed input
    [InlineData("İstanbul", "istanbul")]
    [InlineData("Łódź", "łodz")]                        // ł has no decomposition, so BERT keeps it
    [InlineData("\uFB01", "\uFB01")]                    // compatibility ligature: NFD (not NFKD) keeps it
    [InlineData("\uD55C", "\u1112\u1161\u11AB")]        // 한 → ᄒ ᅡ ᆫ (the Unicode standard's example)
    [InlineData("plain ascii 123", "plain ascii 123")]
    public void FoldsLikeTheOriginalBertTokenizer(string input, string expected)
    {
        Assert.Equal(expected, AccentFolding.LowerCaseAndStripAccents(input));
    }
}

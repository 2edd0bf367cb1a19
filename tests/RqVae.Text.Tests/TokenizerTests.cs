using RqVae.Text;
using RqVae.Text.Tests.Support;

namespace RqVae.Text.Tests;

/// <summary>Token ids checked against the published bert-base-uncased vocabulary, which all-MiniLM-L6-v2 uses.</summary>
[Collection(MiniLmCollection.Name)]
public sealed class TokenizerTests(MiniLmFixture model)
{
    private const int Cls = 101, Sep = 102, Unknown = 100;

    [Fact]
    public void HelloWorld_HasTheBertBaseUncasedIds()
    {
        Assert.Equal([Cls, 7592, 2088, Sep], model.Batched.Tokenize("hello world"));
    }

    [Fact]
    public void UpperCaseAndPunctuation_AreLowerCasedAndSplit()
    {
        // "," = 1010 and "." = 1012 in bert-base-uncased.
        Assert.Equal([Cls, 7592, 1010, 2088, 1012, Sep], model.Batched.Tokenize("HELLO, World."));
    }

    [Fact]
    public void Accents_AreStrippedNotUnknown()
    {
        var accented = model.Batched.Tokenize("Amélie");
        Assert.Equal(model.Batched.Tokenize("Amelie"), accented);
        Assert.DoesNotContain(Unknown, accented);
        Assert.Equal(model.Batched.Tokenize("cafe naive"), model.Batched.Tokenize("Café Naïve"));
    }

    [Fact]
    public void EmptyText_IsJustClsAndSep()
    {
        Assert.Equal([Cls, Sep], model.Batched.Tokenize(""));
    }

    [Fact]
    public void LongText_IsTruncatedToMaxTokensAndKeepsSep()
    {
        var longText = string.Join(' ', Enumerable.Repeat("hello world", 400)); // 800 word-pieces
        var ids = model.Batched.Tokenize(longText);
        Assert.Equal(256, ids.Length);
        Assert.Equal(Cls, ids[0]);
        Assert.Equal(Sep, ids[^1]);
        Assert.Equal([7592, 2088, 7592], ids[1..4]);
    }
}

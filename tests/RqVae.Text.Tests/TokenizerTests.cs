using RqVae.Text;
using RqVae.Text.Tests.Support;

namespace RqVae.Text.Tests;

/// <summary>Token ids checked against the published bert-base-uncased vocabulary, which all-MiniLM-L6-v2 uses.</summary>
[Collection(MiniLmCollection.Name)]
public sealed class TokenizerTests(MiniLmFixture model)
{
    private const int Cls = 101, Sep = 102, Unknown = 100;

    [Fact]
    public void Hello_world_has_the_BERT_base_uncased_ids()
    {
        Assert.Equal([Cls, 7592, 2088, Sep], model.Batched.Tokenize("hello world"));
    }

    [Fact]
    public void Upper_case_and_punctuation_are_lower_cased_and_split()
    {
        // "," = 1010 and "." = 1012 in bert-base-uncased.
        Assert.Equal([Cls, 7592, 1010, 2088, 1012, Sep], model.Batched.Tokenize("HELLO, World."));
    }

    [Fact]
    public void Accents_are_stripped_not_unknown()
    {
        var accented = model.Batched.Tokenize("Amélie");
        Assert.Equal(model.Batched.Tokenize("Amelie"), accented);
        Assert.DoesNotContain(Unknown, accented);
        Assert.Equal(model.Batched.Tokenize("cafe naive"), model.Batched.Tokenize("Café Naïve"));
    }

    [Fact]
    public void Empty_text_is_just_CLS_and_SEP()
    {
        Assert.Equal([Cls, Sep], model.Batched.Tokenize(""));
    }

    [Fact]
    public void Long_text_is_truncated_to_max_tokens_and_keeps_SEP()
    {
        var longText = string.Join(' ', Enumerable.Repeat("hello world", 400)); // 800 word-pieces
        var ids = model.Batched.Tokenize(longText);
        Assert.Equal(256, ids.Length);
        Assert.Equal(Cls, ids[0]);
        Assert.Equal(Sep, ids[^1]);
        Assert.Equal([7592, 2088, 7592], ids[1..4]);
    }
}

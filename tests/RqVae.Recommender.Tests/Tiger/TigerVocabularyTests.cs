using RqVae.Recommender.Tiger;
using RqVae.Recommender.Tiger.Modules;
using RqVae.SemanticIds;

namespace RqVae.Recommender.Tests.Tiger;

public sealed class TigerVocabularyTests
{
    [Fact]
    public void Each_level_has_its_own_offset_and_a_collision_level_is_appended_only_when_ids_collide()
    {
        // Items 0 and 2 share (1, 0); item 3 has (2, 1).
        var ids = new SemanticIdTable([1, 0, 0, 1, 1, 0, 2, 1], 2);
        var vocabulary = TigerVocabulary.Create(ids);

        Assert.True(vocabulary.HasCollisionLevel);
        Assert.Equal(3, vocabulary.Levels);
        // Specials 0..2; level 0 holds codes 0..2 at 3..5; level 1 codes 0..1 at 6..7; collision codes 0..1 at 8..9.
        Assert.Equal([3, 6, 8], new[] { vocabulary.Offset(0), vocabulary.Offset(1), vocabulary.Offset(2) });
        Assert.Equal(10, vocabulary.Size);
        Assert.Equal([4, 6, 8], vocabulary.Tokens(0).ToArray());
        Assert.Equal([3, 7, 8], vocabulary.Tokens(1).ToArray());
        Assert.Equal([4, 6, 9], vocabulary.Tokens(2).ToArray());
        Assert.Equal([5, 7, 8], vocabulary.Tokens(3).ToArray());

        var unique = TigerVocabulary.Create(new SemanticIdTable([0, 0, 0, 1], 2));
        Assert.False(unique.HasCollisionLevel);
        Assert.Equal(2, unique.Levels);
    }

    [Fact]
    public void Prefix_rows_are_shared_exactly_by_items_with_the_same_prefix()
    {
        var ids = new SemanticIdTable([1, 0, 1, 1, 2, 1], 2);
        var vocabulary = TigerVocabulary.Create(ids);

        // (1) is shared by items 0 and 1, (2) is item 2's; every full ID is its own row; row 0 is padding.
        Assert.Equal(vocabulary.Prefixes(0)[0], vocabulary.Prefixes(1)[0]);
        Assert.NotEqual(vocabulary.Prefixes(0)[0], vocabulary.Prefixes(2)[0]);
        Assert.Equal(3, new[] { vocabulary.Prefixes(0)[1], vocabulary.Prefixes(1)[1], vocabulary.Prefixes(2)[1] }.Distinct().Count());
        Assert.Equal(6, vocabulary.PrefixCount);
    }

    [Fact]
    public void The_trie_finds_exactly_the_catalogue_ids()
    {
        var ids = new SemanticIdTable([1, 0, 0, 1, 1, 0, 2, 1], 2);
        var vocabulary = TigerVocabulary.Create(ids);
        var trie = PrefixTrie.Create(vocabulary);

        for (var item = 0; item < 4; item++) Assert.Equal(item, trie.Find(vocabulary.Tokens(item)));
        Assert.Equal(-1, trie.Find([3, 6, 9]));   // (0, 0) with collision code 1: each code valid alone, no item
        Assert.Equal(-1, trie.Find([3, 6, 8]));   // (0, 0): no item has it
        Assert.Equal([3, 4, 5], trie.ChildTokens(PrefixTrie.Root).ToArray());
        Assert.Equal([6], trie.ChildTokens(trie.Child(PrefixTrie.Root, 4)).ToArray());
        Assert.Equal(2, trie.LeafCount(trie.Child(PrefixTrie.Root, 4)));
        Assert.Equal(4, trie.LeafCount(PrefixTrie.Root));
    }

    [Theory]
    [InlineData(0, true, 0)]
    [InlineData(-1, true, 1)]
    [InlineData(1, true, 17)]
    [InlineData(-20, true, 10)]   // 8 + ⌊log(20/8) / log(128/8) · 8⌋ = 8 + 2
    [InlineData(20, true, 26)]
    [InlineData(-1000, true, 15)]
    [InlineData(3, false, 0)]      // causal: keys after the query all land in bucket 0
    [InlineData(-3, false, 3)]
    [InlineData(-40, false, 23)]   // 16 + ⌊log(40/16) / log(128/16) · 16⌋ = 16 + 7
    public void Relative_positions_fall_in_t5s_buckets(int relative, bool bidirectional, int bucket)
        => Assert.Equal(bucket, RelativePositionBias.Bucket(relative, bidirectional, 32, 128));
}

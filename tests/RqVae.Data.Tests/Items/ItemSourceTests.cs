using RqVae.Data.Features;
using RqVae.Data.IO;
using RqVae.Data.Items;
using RqVae.Data.Tests.Support;
using RqVae.TestSupport;
using RqVae.Text;

namespace RqVae.Data.Tests.Items;

public sealed class ItemSourceTests : IDisposable
{
    private readonly TemporaryDirectory dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public void Texts_are_embedded_batch_by_batch_with_their_ids_and_first_rows()
    {
        var path = dir.Write("items.csv", "id,title\na,x\nb,yy\nc,zzz\n");
        var source = new ItemSource(path, TextColumns: ["title"]);
        var batches = source.ReadBatches(2, new LengthEmbedder()).ToList();
        Assert.Equal([0L, 2L], batches.Select(b => b.FirstRow));
        Assert.Equal(["a", "b"], batches[0].Features.Ids);
        // Each text's vector is (its length, 1), so the rows can be checked by hand.
        Assert.Equal([1f, 1f, 2f, 1f], batches[0].Features.Values);
        Assert.Equal([3f, 1f], batches[1].Features.Values);
        var all = source.LoadAll(new LengthEmbedder());
        Assert.Equal([1f, 1f, 2f, 1f, 3f, 1f], all.Values);
    }

    [Fact]
    public void A_text_source_without_an_embedder_says_what_it_needs()
    {
        var path = dir.Write("items.csv", "id,title\na,x\n");
        var e = Assert.Throws<ArgumentNullException>(() => new ItemSource(path, TextColumns: ["title"]).LoadAll(null));
        Assert.Contains("needs a text embedder", e.Message);
    }

    [Fact]
    public void A_npy_reads_its_ids_from_the_ids_file_beside_it()
    {
        var path = Path.Combine(dir.Path, "v.npy");
        FeatureFileWriter.Write(path, DataFileFormat.Auto, ["p", "q"], [1f, 2f, 3f, 4f], 2);
        Assert.True(File.Exists(Path.Combine(dir.Path, "v.ids.txt")));
        var all = new ItemSource(path).LoadAll(null);
        Assert.Equal(["p", "q"], all.Ids);
        Assert.Equal([1f, 2f, 3f, 4f], all.Values);
    }

    private sealed class LengthEmbedder : ITextEmbedder
    {
        public int Dimension => 2;

        public string ModelId => "length";

        public float[] Embed(IReadOnlyList<string> texts, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
            => [.. texts.SelectMany(t => new[] { (float)t.Length, 1f })];
    }
}

using RqVae.Cli;
using RqVae.Service.Tests.Support;
using RqVae.TestSupport;
using RqVae.Text;
using static RqVae.Service.Tests.Support.Http;

namespace RqVae.Service.Tests.Api;

/// <summary>Items given as text, for a model trained on MiniLM embeddings of texts.</summary>
[Collection(CatalogueCollection.Name)]
public sealed class TextItemTests
{
    [Fact]
    public async Task A_text_item_is_embedded_with_minilm_and_gets_the_codes_of_its_embedding_and_its_first_line_as_title()
    {
        using var dir = new TemporaryDirectory();
        string[] genres = ["Comedy", "Drama", "Horror", "Animation"];
        var csv = "id,text\n" + string.Join('\n', Enumerable.Range(0, 48).Select(i => $"m{i},\"Film {i} ({1960 + i}). Genres: {genres[i % 4]}\""));
        var items = dir.Write("texts.csv", csv);
        var modelPath = dir.File("text-model");
        var output = new StringWriter();
        var code = RqVaeCli.Run(["train", items, "--text-column", "text", "-o", modelPath, "--no-embedding-cache", "--epochs", "4", "--batch-size", "16",
            "--hidden-dimensions", "16", "--latent-dimension", "4", "--levels", "2", "--codebook-size", "4", "--evaluate-every", "0"], output, output);
        Assert.True(code == 0, output.ToString());
        using var model = ServedModel.Load(modelPath);
        Assert.True(model.TakesText);

        const string text = "Heat 2 (2026). Genres: Drama";
        using var embedder = new MiniLmEmbedder();
        var expected = model.Tokenizer.Encode(embedder.Embed([text + "\nmore lines"]))[0].ToArray();
        await using var service = await InProcessService.StartAsync(model, dir.File("store.db"));
        var (status, answer, _) = await PostAsync(service.Client, "/items", $$"""{"items":[{"item_id":"new","text":"{{text}}\nmore lines"},{"item_id":"vector","features":[1,2]}]}""");
        Assert.Equal(200, status);
        var result = answer!["results"]![0]!;
        Assert.Equal("created", (string?)result["status"]);
        Assert.Equal([.. expected, 0], Ints(result["codes"]));
        Assert.Equal(text, (string?)(await GetAsync(service.Client, "/items/new")).Body!["title"]);
        Assert.Contains("has 2 values; the model takes 384", (string?)answer["results"]![1]!["error"]!["errors"]!["items[1].features"]![0]);
    }
}

using RqVae.Data.IdTables;
using RqVae.Service.Tests.Support;
using RqVae.TestSupport;
using static RqVae.Service.Tests.Support.Http;

namespace RqVae.Service.Tests.Serving;

/// <summary><c>rqvae movielens --serve</c>: the run's unique IDs and titles in a store beside it, served in one step.</summary>
[Collection(CatalogueCollection.Name)]
public sealed class MovieLensServeTests
{
    [Fact]
    public async Task Movielens_serve_imports_the_runs_ids_with_titles_and_a_second_call_serves_the_finished_run_without_re_running()
    {
        using var dir = new TemporaryDirectory();
        string[] args = ["movielens", "--features", "genres", "--min-ratings", "20", "--epochs", "2", "--codebook-size", "32", "-o", dir.Path,
            "-q", "Toy Story", "-n", "1", "--serve", "--urls", "http://127.0.0.1:0"];
        string toyStoryId;
        using (var run = ServeProcess.StartTool(args))
        {
            run.WaitUntilListening(TimeSpan.FromMinutes(5));
            using var client = new HttpClient { BaseAddress = run.Url };
            var table = SemanticIdTableReader.Read(Path.Combine(dir.Path, "ids.csv"));
            var (_, info, _) = await GetAsync(client, "/info");
            Assert.Equal(table.Count, (long)info!["items"]!);
            var (_, found, _) = await GetAsync(client, "/search?q=Toy%20Story%20(1995)");
            var item = found!["items"]![0]!;
            Assert.Equal("Toy Story (1995)", (string?)item["title"]);
            var row = table.ItemIds!.ToList().IndexOf((string)item["item_id"]!);
            Assert.Equal(table[row].ToArray(), Ints(item["codes"]));
            toyStoryId = (string)item["id"]!;
            Assert.Contains("Catalogue: 1,303 movies", run.Output);
            run.Terminate();
            Assert.Equal(0, run.WaitForExit(TimeSpan.FromSeconds(60)));
        }

        using var again = ServeProcess.StartTool(args);
        again.WaitUntilListening(TimeSpan.FromMinutes(2));
        Assert.Contains("Serving the finished run", again.Output);
        Assert.DoesNotContain("collision rate", again.Output);
        using var client2 = new HttpClient { BaseAddress = again.Url };
        var (_, byId, _) = await GetAsync(client2, $"/ids/{toyStoryId}");
        Assert.Equal("Toy Story (1995)", (string?)byId!["title"]);
        again.Terminate();
        Assert.Equal(0, again.WaitForExit(TimeSpan.FromSeconds(60)));
    }
}

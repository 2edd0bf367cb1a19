using System.Globalization;
using Microsoft.Playwright;
using RqVae.Service.Tests.Support;
using RqVae.TestSupport;
using Xunit.Abstractions;
using static RqVae.Service.Tests.Support.Http;

namespace RqVae.Service.Tests.Page;

/// <summary>
/// The catalogue browser at <c>/</c> in a real browser: Debian's chromium driven by Playwright (never a browser of
/// Playwright's own), against a service holding the fixture's 300 titled items.
/// </summary>
[Collection(CatalogueCollection.Name)]
public sealed class CataloguePageTests(CatalogueModelFixture fixture, ITestOutputHelper output)
{
    private const string Chromium = "/usr/bin/chromium";

    [Fact]
    public async Task The_page_finds_a_title_shows_its_id_and_lists_the_items_under_a_clicked_prefix_using_nothing_but_the_service()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: run scripts/setup.d/40-chromium.sh (it installs Debian's chromium).");
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        using var dir = new TemporaryDirectory();
        await using var service = await InProcessService.StartAsync(fixture.Model, dir.File("store.db"));
        var items = string.Join(',', Enumerable.Range(0, CatalogueModelFixture.Count).Select(r =>
            $$"""{"item_id":"{{fixture.ItemIds[r]}}","title":"{{fixture.Titles[r]}}","features":[{{string.Join(',', fixture.Features[r].Select(v => v.ToString("R", CultureInfo.InvariantCulture)))}}]}"""));
        var (assigned, _, _) = await PostAsync(service.Client, "/items", $$"""{"items":[{{items}}]}""");
        Assert.Equal(200, assigned);
        var toyStory = (string)(await GetAsync(service.Client, "/items/movie0")).Body!["id"]!;
        var baseUrl = service.Client.BaseAddress!.ToString().TrimEnd('/');

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchPersistentContextAsync(dir.File("chromium-profile"), new BrowserTypeLaunchPersistentContextOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
        });
        var page = browser.Pages.Count > 0 ? browser.Pages[0] : await browser.NewPageAsync();
        var requested = new List<string>();
        page.Request += (_, request) => { lock (requested) requested.Add(request.Url); };
        var consoleErrors = new List<string>();
        page.Console += (_, message) => { if (message.Type == "error") lock (consoleErrors) consoleErrors.Add(message.Text); };

        await page.GotoAsync(baseUrl + "/");
        await Assertions.Expect(page.Locator("#info")).ToContainTextAsync("300 items");

        await page.FillAsync("#search-input", "toy story");
        await page.ClickAsync("#search-button");
        var found = page.Locator("#search-results li");
        await Assertions.Expect(found.First).ToContainTextAsync("Toy Story (1995)");
        await Assertions.Expect(page.Locator("#item-id")).ToHaveTextAsync(toyStory);
        await Assertions.Expect(page.Locator("#similar-items li").First).ToContainTextAsync("shares");

        // The root lists the first codes with their counts; clicking one lists its items, all under that prefix.
        var firstPrefix = page.Locator("#tree-children .prefix-link").First;
        await Assertions.Expect(firstPrefix).ToBeVisibleAsync();
        var prefix = await firstPrefix.GetAttributeAsync("data-prefix");
        var (_, children, _) = await GetAsync(service.Client, $"/prefixes/{prefix}");
        var expectedCount = Math.Min(50, (int)(long)children!["items"]!);
        await firstPrefix.ClickAsync();
        var listed = page.Locator("#prefix-items li");
        await Assertions.Expect(listed).ToHaveCountAsync(expectedCount);
        foreach (var id in await page.Locator("#prefix-items li .id").AllTextContentsAsync())
            Assert.StartsWith(prefix + "-", id);
        await Assertions.Expect(page.Locator("#breadcrumb")).ToContainTextAsync(prefix!);

        var artefacts = Path.Combine(AppContext.BaseDirectory, "artifacts");
        Directory.CreateDirectory(artefacts);
        var screenshot = Path.Combine(artefacts, "catalogue-page.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
        output.WriteLine($"screenshot: {screenshot}");
        Console.WriteLine($"catalogue page screenshot: {screenshot}");
        Assert.True(new FileInfo(screenshot).Length > 10_000);

        lock (requested) Assert.All(requested, url => Assert.StartsWith(baseUrl + "/", url));
        lock (consoleErrors) Assert.Empty(consoleErrors);
    }
}

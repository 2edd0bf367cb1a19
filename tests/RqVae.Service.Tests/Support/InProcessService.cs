using Microsoft.AspNetCore.Builder;
using RqVae.Catalogue.Stores;
using RqVae.Service.Hosting;

namespace RqVae.Service.Tests.Support;

/// <summary>
/// The service's web application started in the test process on a free loopback port, with a real store, reached over
/// real HTTP by <see cref="Client"/>.
/// </summary>
public sealed class InProcessService : IAsyncDisposable
{
    private readonly WebApplication app;

    private InProcessService(WebApplication app, CatalogueService service, HttpClient client)
    {
        this.app = app;
        Service = service;
        Client = client;
    }

    public CatalogueService Service { get; }

    public HttpClient Client { get; }

    /// <summary>
    /// Starts a service for <paramref name="model"/> over a new SQLite store at <paramref name="storePath"/>;
    /// <paramref name="wrapStore"/> may put a decorator around the store.
    /// </summary>
    public static async Task<InProcessService> StartAsync(ServedModel model, string storePath, CatalogueServiceOptions? options = null,
        Func<ICatalogueStore, ICatalogueStore>? wrapStore = null)
    {
        var store = await CatalogueStores.OpenAsync(storePath, model.Catalogue);
        if (wrapStore is not null) store = wrapStore(store);
        var service = new CatalogueService(model, store, (options ?? new CatalogueServiceOptions()) with { Urls = "http://127.0.0.1:0" }, new ServiceMetrics());
        var app = CatalogueApp.Build(service);
        await app.StartAsync();
        var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()), Timeout = TimeSpan.FromSeconds(60) };
        return new InProcessService(app, service, client);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
        await Service.Store.DisposeAsync();
    }
}

using Prometheus;
using RqVae.Catalogue.Stores;

namespace RqVae.Service;

/// <summary>
/// The service's Prometheus metrics, in a registry of its own (so two services in one process, as in tests, count
/// apart): HTTP requests and their latency (prometheus-net's middleware, labelled by route), items assigned by
/// outcome, collisions, and the store's sizes read when <c>/metrics</c> is scraped.
/// </summary>
public sealed class ServiceMetrics
{
    private readonly Counter assigned;
    private readonly Counter collisions;

    /// <summary>Creates the metrics; <see cref="Watch"/> attaches the store whose sizes they report.</summary>
    public ServiceMetrics()
    {
        Registry = Prometheus.Metrics.NewCustomRegistry();
        var factory = Prometheus.Metrics.WithCustomRegistry(Registry);
        assigned = factory.CreateCounter("rqvae_items_assigned_total", "Items of POST /items by outcome: created (new ID), unchanged (stored ID returned) or error.",
            new CounterConfiguration { LabelNames = ["status"] });
        collisions = factory.CreateCounter("rqvae_collisions_total", "Items created with a collision code above 0 (their L codes were taken).");
        StoreItems = factory.CreateGauge("rqvae_store_items", "Items in the store by state (active, retired) and collided (collision code above 0).",
            new GaugeConfiguration { LabelNames = ["state"] });
    }

    /// <summary>The registry <c>/metrics</c> exports.</summary>
    public CollectorRegistry Registry { get; }

    /// <summary>The store's sizes, as of the last scrape.</summary>
    public Gauge StoreItems { get; }

    /// <summary>Reads <paramref name="store"/>'s sizes before each scrape.</summary>
    public void Watch(ICatalogueStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        Registry.AddBeforeCollectCallback(async cancellationToken =>
        {
            var counts = await store.CountsAsync(cancellationToken);
            StoreItems.WithLabels("active").Set(counts.Active);
            StoreItems.WithLabels("retired").Set(counts.Retired);
            StoreItems.WithLabels("collided").Set(counts.Collided);
        });
    }

    /// <summary>Counts one assign request's outcomes.</summary>
    public void Assigned(int created, int unchanged, int errors, int collided)
    {
        if (created > 0) assigned.WithLabels("created").Inc(created);
        if (unchanged > 0) assigned.WithLabels("unchanged").Inc(unchanged);
        if (errors > 0) assigned.WithLabels("error").Inc(errors);
        if (collided > 0) collisions.Inc(collided);
    }
}

namespace RqVae.Catalogue.Stores;

/// <summary>
/// Where a catalogue keeps the semantic ID of every item: each item gets its ID once, when first assigned, and keeps
/// it; lookups never recompute it. One store belongs to one model (<see cref="Model"/>), recorded when the store is
/// created. A full ID is the item's L codes plus a collision code, unique over the store and never given to a second
/// item, even after the first is retired. Instances are safe to use from many threads at once, and several instances
/// (in one process or several) may share one store: every write is one transaction, and concurrent writers never
/// give one full ID to two items. Open one with <see cref="CatalogueStores.OpenAsync"/>.
/// </summary>
public interface ICatalogueStore : IAsyncDisposable
{
    /// <summary>Where the store is, fit for messages: the file's full path, or the server and database (never a password).</summary>
    string Location { get; }

    /// <summary>The model whose IDs the store keeps, as recorded when it was created.</summary>
    CatalogueModel Model { get; }

    /// <summary>The store's schema version (after the forward migrations that opening applied).</summary>
    int SchemaVersion { get; }

    /// <summary>
    /// Gives each item its ID, in one transaction: an item already stored gets its stored ID back (status
    /// <see cref="AssignStatus.Unchanged"/>, or <see cref="AssignStatus.Retired"/> when retired), with its stored codes
    /// (compare them with the fresh ones to report drift); a new item gets its codes and the next collision code for
    /// them (one above the largest ever given to those codes, retired items included), status
    /// <see cref="AssignStatus.Created"/>. Items are handled in order, so an id given twice in one batch is created by
    /// the first and unchanged for the second. Either every item of the batch is stored or none is.
    /// </summary>
    /// <returns>One result per item, in the order given.</returns>
    /// <exception cref="ArgumentException">An item has an empty id or codes <see cref="CatalogueModel.CheckCodes"/> refuses; nothing is stored.</exception>
    Task<IReadOnlyList<AssignResult>> AssignAsync(IReadOnlyList<NewCatalogueItem> items, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores items with the IDs they already have (an ID table), in one transaction: an item already stored with the
    /// same ID is <see cref="AssignStatus.Unchanged"/>, a new one <see cref="AssignStatus.Created"/>.
    /// </summary>
    /// <exception cref="CatalogueConflictException">An item is stored with another ID, or its ID belongs to another item (nothing is stored).</exception>
    /// <exception cref="ArgumentException">An item has an empty id, or codes the model cannot give.</exception>
    Task<IReadOnlyList<AssignResult>> ImportAsync(IReadOnlyList<ImportedCatalogueItem> items, CancellationToken cancellationToken = default);

    /// <summary>The item stored under <paramref name="itemId"/> (retired or not), or null.</summary>
    Task<CatalogueItem?> GetAsync(string itemId, CancellationToken cancellationToken = default);

    /// <summary>The item whose full ID is <paramref name="id"/> (retired or not), or null.</summary>
    Task<CatalogueItem?> FindByIdAsync(CatalogueId id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Items whose codes start with <paramref name="prefix"/> (0 … L codes; empty: all), in ID order (codes, then
    /// collision code), retired ones included (see <see cref="CatalogueItem.Retired"/>), at most <paramref name="limit"/>,
    /// starting after <paramref name="after"/> (null: from the first). Pass the page's <see cref="CataloguePage.Next"/>
    /// as <paramref name="after"/> to read the next page; items assigned meanwhile appear in their place.
    /// </summary>
    Task<CataloguePage> BrowseAsync(IReadOnlyList<int> prefix, CatalogueId? after, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// The branches under <paramref name="prefix"/> (0 … L codes): for each next code that some item has, how many
    /// items and up to <paramref name="titlesPerChild"/> of their titles; in code order. Under all L codes, the next
    /// code is the collision code.
    /// </summary>
    Task<IReadOnlyList<CatalogueChild>> ChildrenAsync(IReadOnlyList<int> prefix, int titlesPerChild = 3, CancellationToken cancellationToken = default);

    /// <summary>
    /// Items whose id or title contains <paramref name="text"/> (ignoring case of ASCII letters), at most
    /// <paramref name="limit"/>: an exact id first, then in ID order.
    /// </summary>
    Task<IReadOnlyList<CatalogueItem>> SearchAsync(string text, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Retires the item: it keeps its ID, lookups show it retired, and the ID is never given to another item.
    /// Retiring a retired item changes nothing.
    /// </summary>
    /// <returns>The item as stored now, or null when no item has that id.</returns>
    Task<CatalogueItem?> RetireAsync(string itemId, CancellationToken cancellationToken = default);

    /// <summary>How many items are stored, retired and collided.</summary>
    Task<CatalogueCounts> CountsAsync(CancellationToken cancellationToken = default);

    /// <summary>Whether the store answers now (for readiness checks); never throws for an unreachable store.</summary>
    Task<bool> PingAsync(CancellationToken cancellationToken = default);

    /// <summary>Every item, in the order it entered the store (<see cref="CatalogueItem.Sequence"/>); for export.</summary>
    IAsyncEnumerable<CatalogueItem> ReadAllAsync(CancellationToken cancellationToken = default);

    /// <summary>A named setting kept in the store beside the model (null when never set).</summary>
    Task<string?> GetSettingAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Sets a named setting kept in the store (keys starting with "model." and "schema." are the store's own and refused).</summary>
    Task SetSettingAsync(string key, string value, CancellationToken cancellationToken = default);
}

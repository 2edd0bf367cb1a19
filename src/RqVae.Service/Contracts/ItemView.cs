using RqVae.Catalogue.Stores;

namespace RqVae.Service.Contracts;

/// <summary>An item as the store keeps it.</summary>
/// <param name="ItemId">The item's id.</param>
/// <param name="Id">Its full ID ("3-17-200-0").</param>
/// <param name="Codes">The L codes and the collision code.</param>
/// <param name="Title">Its title, if it has one.</param>
/// <param name="Retired">Whether it was retired (it keeps its ID, which no other item gets).</param>
/// <param name="Origin">"assigned" (by this service) or "imported" (from an ID table).</param>
/// <param name="AssignedAt">When its ID was stored (UTC).</param>
/// <param name="RetiredAt">When it was retired (UTC), if it was.</param>
public sealed record ItemView(string ItemId, string Id, int[] Codes, string? Title, bool Retired, string Origin, DateTimeOffset AssignedAt, DateTimeOffset? RetiredAt)
{
    /// <summary>The view of a stored item.</summary>
    public static ItemView Of(CatalogueItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return new ItemView(item.ItemId, item.Id.ToString(), item.Id.Full(), item.Title, item.Retired,
            item.Origin == CatalogueItemOrigin.Imported ? "imported" : "assigned", item.AssignedAt, item.RetiredAt);
    }
}

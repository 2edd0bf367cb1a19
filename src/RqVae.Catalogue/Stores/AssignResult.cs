namespace RqVae.Catalogue.Stores;

/// <summary>What <see cref="ICatalogueStore.AssignAsync"/> did with one item.</summary>
/// <param name="Item">The item as stored now: for <see cref="AssignStatus.Unchanged"/> and <see cref="AssignStatus.Retired"/> its stored ID and codes, which may differ from the fresh codes the caller passed (drift).</param>
/// <param name="Status">Whether the ID was created now or was already there.</param>
public sealed record AssignResult(CatalogueItem Item, AssignStatus Status);

/// <summary>The outcome of assigning one item.</summary>
public enum AssignStatus
{
    /// <summary>The item was new: it got the next free collision code for its codes.</summary>
    Created,

    /// <summary>The item was already stored: its stored ID is returned, never recomputed.</summary>
    Unchanged,

    /// <summary>The item was stored and later retired: its old ID is returned (it stays retired, and no one gets the ID).</summary>
    Retired,
}

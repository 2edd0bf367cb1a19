namespace RqVae.Catalogue.Stores;

/// <summary>Sizes of a catalogue store.</summary>
/// <param name="Items">Items stored, retired ones included.</param>
/// <param name="Retired">Items retired.</param>
/// <param name="Collided">Items whose collision code is above 0 (they share their L codes with an earlier item).</param>
public sealed record CatalogueCounts(long Items, long Retired, long Collided)
{
    /// <summary>Items not retired.</summary>
    public long Active => Items - Retired;
}

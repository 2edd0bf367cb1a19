using System.Globalization;

namespace RqVae.Catalogue.Stores;

/// <summary>
/// An item's full ID in a catalogue store: the L codes it was given (as encoded, or as imported from a table whose
/// collision step moved it to a free last-level code) and its collision code, which numbers the items that share
/// those L codes 0, 1, 2, … in the order they were assigned. Unique in a store, and never given to a second item,
/// even after the first is retired. Ordered code by code, then by collision code (the store's browse order).
/// </summary>
public sealed class CatalogueId : IEquatable<CatalogueId>, IComparable<CatalogueId>
{
    private readonly int[] codes;

    /// <summary>Creates the ID from its L codes (copied) and its collision code.</summary>
    public CatalogueId(IReadOnlyList<int> codes, int collisionCode)
    {
        ArgumentNullException.ThrowIfNull(codes);
        if (codes.Count == 0) throw new ArgumentException("An ID has at least one code.", nameof(codes));
        if (codes.Any(c => c < 0)) throw new ArgumentException("Codes are non-negative.", nameof(codes));
        ArgumentOutOfRangeException.ThrowIfNegative(collisionCode);
        this.codes = [.. codes];
        CollisionCode = collisionCode;
    }

    /// <summary>The L codes.</summary>
    public IReadOnlyList<int> Codes => codes;

    /// <summary>The collision code: 0 for the first item with these L codes, 1 for the next, …</summary>
    public int CollisionCode { get; }

    /// <summary>The L codes followed by the collision code (L + 1 numbers), as an ID table with the extra code holds them.</summary>
    public int[] Full() => [.. codes, CollisionCode];

    /// <summary>
    /// The ID from its L + 1 numbers (the L codes, then the collision code), as <see cref="Full"/> gives them.
    /// </summary>
    public static CatalogueId FromFull(IReadOnlyList<int> full)
    {
        ArgumentNullException.ThrowIfNull(full);
        if (full.Count < 2) throw new ArgumentException("A full ID has at least one code and the collision code.", nameof(full));
        return new CatalogueId(full.Take(full.Count - 1).ToArray(), full[^1]);
    }

    /// <summary>The ID as text, codes and collision code joined by '-', e.g. "12-24-52-0".</summary>
    public override string ToString() => string.Join('-', Full().Select(c => c.ToString(CultureInfo.InvariantCulture)));

    /// <summary>Reads the text <see cref="ToString"/> writes; false if it is not that.</summary>
    public static bool TryParse(string? text, out CatalogueId? id)
    {
        id = null;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var parts = text.Split('-');
        if (parts.Length < 2) return false;
        var numbers = new int[parts.Length];
        for (var i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out numbers[i])) return false;
        id = FromFull(numbers);
        return true;
    }

    /// <inheritdoc />
    public bool Equals(CatalogueId? other) => other is not null && CollisionCode == other.CollisionCode && codes.AsSpan().SequenceEqual(other.codes);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is CatalogueId other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var c in codes) hash.Add(c);
        hash.Add(CollisionCode);
        return hash.ToHashCode();
    }

    /// <inheritdoc />
    public int CompareTo(CatalogueId? other)
    {
        if (other is null) return 1;
        var byCodes = codes.AsSpan().SequenceCompareTo(other.codes);
        return byCodes != 0 ? byCodes : CollisionCode.CompareTo(other.CollisionCode);
    }
}

namespace RqVae.SemanticIds;

/// <summary>A whole semantic ID as a dictionary key, compared element by element.</summary>
public readonly struct IdKey : IEquatable<IdKey>
{
    private readonly int[] codes;

    /// <summary>Wraps <paramref name="codes"/> without copying; do not change the array afterwards.</summary>
    public IdKey(int[] codes) => this.codes = codes ?? throw new ArgumentNullException(nameof(codes));

    /// <summary>The codes.</summary>
    public ReadOnlySpan<int> Codes => codes;

    /// <inheritdoc />
    public bool Equals(IdKey other) => codes.AsSpan().SequenceEqual(other.codes);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is IdKey other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var c in codes) hash.Add(c);
        return hash.ToHashCode();
    }

    /// <inheritdoc />
    public override string ToString() => string.Join('-', codes);
}

using RqVae.SemanticIds;

namespace RqVae.Onnx;

/// <summary>How many items got identical IDs from two encoders (all L codes equal).</summary>
/// <param name="Items">Items compared.</param>
/// <param name="Identical">Items whose IDs are identical.</param>
public sealed record IdAgreement(long Items, long Identical)
{
    /// <summary>Identical / Items (1 for no items).</summary>
    public double Share => Items == 0 ? 1 : (double)Identical / Items;

    /// <summary>True when every item got the same ID.</summary>
    public bool IsComplete => Identical == Items;

    /// <summary>The share as the tool prints it: "100.00 %" only when every ID is identical (never rounded up to it).</summary>
    public string Percent
    {
        get
        {
            var percent = Math.Floor(Share * 10_000) / 100;
            if (!IsComplete && percent >= 100) percent = 99.99;
            return percent.ToString("F2", System.Globalization.CultureInfo.InvariantCulture) + " %";
        }
    }

    /// <summary>Compares the IDs of the same items in the same order.</summary>
    /// <exception cref="ArgumentException">The tables differ in length or levels.</exception>
    public static IdAgreement Of(SemanticIdTable expected, SemanticIdTable actual)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        if (expected.Count != actual.Count || expected.Levels != actual.Levels)
            throw new ArgumentException($"The tables hold {expected.Count} × {expected.Levels} and {actual.Count} × {actual.Levels} codes; compare the IDs of the same items.", nameof(actual));
        long identical = 0;
        for (var i = 0; i < expected.Count; i++)
            if (expected.Codes.Slice(i * expected.Levels, expected.Levels).SequenceEqual(actual.Codes.Slice(i * actual.Levels, actual.Levels))) identical++;
        return new IdAgreement(expected.Count, identical);
    }

    /// <summary>The sum of two counts (batches of one comparison).</summary>
    public static IdAgreement operator +(IdAgreement a, IdAgreement b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return new IdAgreement(a.Items + b.Items, a.Identical + b.Identical);
    }

    /// <summary>The sum of two counts.</summary>
    public static IdAgreement Add(IdAgreement a, IdAgreement b) => a + b;
}

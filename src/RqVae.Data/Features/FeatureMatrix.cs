namespace RqVae.Data.Features;

/// <summary>Item feature vectors: one row per item, stored row-major in one array.</summary>
public sealed class FeatureMatrix
{
    /// <summary>Creates a matrix, checking that the sizes agree.</summary>
    /// <param name="ids">One id per row.</param>
    /// <param name="values">Rows × dimension values, row-major.</param>
    /// <param name="dimension">Length of each vector.</param>
    public FeatureMatrix(string[] ids, float[] values, int dimension)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfNegative(dimension);
        if ((long)ids.Length * dimension != values.Length)
            throw new ArgumentException($"{ids.Length} ids × dimension {dimension} ≠ {values.Length} values.", nameof(values));
        Ids = ids;
        Values = values;
        Dimension = dimension;
    }

    /// <summary>Item ids, one per row.</summary>
    public string[] Ids { get; }

    /// <summary>The vectors, row-major: row r is <c>Values[r*Dimension .. (r+1)*Dimension)</c>.</summary>
    public float[] Values { get; }

    /// <summary>Number of items.</summary>
    public int Rows => Ids.Length;

    /// <summary>Length of each vector.</summary>
    public int Dimension { get; }

    /// <summary>The vector of row <paramref name="row"/> (0-based).</summary>
    public ReadOnlySpan<float> Row(int row) => Values.AsSpan(row * Dimension, Dimension);
}

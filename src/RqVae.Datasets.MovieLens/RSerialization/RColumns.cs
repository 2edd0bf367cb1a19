using RqVae.Data.Errors;

namespace RqVae.Datasets.MovieLens.RSerialization;

/// <summary>Typed access to the columns of a deserialized R data.frame, tolerant of how R chose to store them.</summary>
internal static class RColumns
{
    public static RObject Column(RList frame, string name, string source)
        => frame[name] ?? throw new DataFormatException($"the data frame has no column '{name}'", source, column: name);

    /// <summary>An integer column (stored as integer or double); NA becomes null.</summary>
    public static int?[] Integers(RList frame, string name, string source) => Column(frame, name, source) switch
    {
        RIntVector v => [.. v.Values.Select(x => x == RIntVector.NaInteger ? (int?)null : x)],
        RRealVector v => [.. v.Values.Select((x, row) => double.IsNaN(x) ? (int?)null
            : x >= int.MinValue && x <= int.MaxValue && x == Math.Floor(x) ? (int)x
            : throw new DataFormatException($"value {x} is not a whole number in the integer range", source, row + 1, name))],
        var other => throw new DataFormatException($"expected numbers, found {other.GetType().Name}", source, column: name),
    };

    /// <summary>A numeric column (stored as integer or double); NA becomes NaN.</summary>
    public static double[] Doubles(RList frame, string name, string source) => Column(frame, name, source) switch
    {
        RIntVector v => [.. v.Values.Select(x => x == RIntVector.NaInteger ? double.NaN : x)],
        RRealVector v => v.Values,
        var other => throw new DataFormatException($"expected numbers, found {other.GetType().Name}", source, column: name),
    };

    /// <summary>A text column, stored as character or as a factor (integer codes into the "levels" attribute); NA becomes null.</summary>
    public static string?[] Strings(RList frame, string name, string source)
    {
        var column = Column(frame, name, source);
        switch (column)
        {
            case RStringVector v:
                return v.Values;
            case RIntVector codes when column.Attribute("levels") is RStringVector levels:
                return [.. codes.Values.Select((code, row) => code == RIntVector.NaInteger ? null
                    : code >= 1 && code <= levels.Values.Length ? levels.Values[code - 1]
                    : throw new DataFormatException($"factor code {code} is outside its {levels.Values.Length} levels", source, row + 1, name))];
            default:
                throw new DataFormatException($"expected text or a factor, found {column.GetType().Name}", source, column: name);
        }
    }
}

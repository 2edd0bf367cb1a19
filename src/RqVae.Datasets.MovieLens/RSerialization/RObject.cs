namespace RqVae.Datasets.MovieLens.RSerialization;

/// <summary>
/// A deserialized R object: only the shapes the dslabs data sets need. Attributes are kept in
/// order, by name, as R stores them in a pairlist.
/// </summary>
internal abstract class RObject
{
    /// <summary>Attributes (names, class, levels, row.names, ...), empty when there are none.</summary>
    public IReadOnlyList<KeyValuePair<string, RObject>> Attributes { get; set; } = [];

    /// <summary>The attribute called <paramref name="name"/>, or null.</summary>
    public RObject? Attribute(string name)
    {
        foreach (var (key, value) in Attributes)
            if (key == name) return value;
        return null;
    }

    /// <summary>The "names" attribute as strings, or null.</summary>
    public IReadOnlyList<string?>? Names => (Attribute("names") as RStringVector)?.Values;

    /// <summary>True when the "class" attribute contains <paramref name="className"/>.</summary>
    public bool Inherits(string className)
        => Attribute("class") is RStringVector classes && classes.Values.Contains(className);
}

/// <summary>R's NULL.</summary>
internal sealed class RNull : RObject
{
    public static readonly RNull Instance = new();
}

/// <summary>An R symbol (SYMSXP).</summary>
internal sealed class RSymbol(string name) : RObject
{
    public string Name { get; } = name;
}

/// <summary>An integer or logical vector (INTSXP, LGLSXP); NA is <see cref="NaInteger"/>.</summary>
internal sealed class RIntVector(int[] values, bool isLogical) : RObject
{
    /// <summary>R's NA_integer_ (and NA for logicals).</summary>
    public const int NaInteger = int.MinValue;
    public int[] Values { get; } = values;
    public bool IsLogical { get; } = isLogical;
}

/// <summary>A double vector (REALSXP); NA and NaN are both NaN here (R's NA_real_ is a NaN payload).</summary>
internal sealed class RRealVector(double[] values) : RObject
{
    public double[] Values { get; } = values;
}

/// <summary>A character vector (STRSXP); NA_character_ is null.</summary>
internal sealed class RStringVector(string?[] values) : RObject
{
    public string?[] Values { get; } = values;
}

/// <summary>A generic vector (VECSXP, EXPRSXP), e.g. a list or a data.frame.</summary>
internal sealed class RList(RObject[] items) : RObject
{
    public RObject[] Items { get; } = items;

    /// <summary>The element called <paramref name="name"/>, or null.</summary>
    public RObject? this[string name]
    {
        get
        {
            var names = Names;
            if (names is null) return null;
            for (var i = 0; i < names.Count && i < Items.Length; i++)
                if (names[i] == name) return Items[i];
            return null;
        }
    }
}

/// <summary>A pairlist (LISTSXP) or a language object: tagged cells in order.</summary>
internal sealed class RPairList(List<KeyValuePair<RObject?, RObject>> cells) : RObject
{
    public List<KeyValuePair<RObject?, RObject>> Cells { get; } = cells;
}

/// <summary>A raw byte vector (RAWSXP).</summary>
internal sealed class RRawVector(byte[] values) : RObject
{
    public byte[] Values { get; } = values;
}

/// <summary>Anything the loader does not interpret (environments, closures, ...): kept only as a type code.</summary>
internal sealed class ROpaque(int sexpType) : RObject
{
    public int SexpType { get; } = sexpType;
}

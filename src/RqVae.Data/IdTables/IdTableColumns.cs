using System.Globalization;

namespace RqVae.Data.IdTables;

/// <summary>The column names of a semantic-id table: <c>item_id, c0 .. c{L-1}</c>, in every format.</summary>
public static class IdTableColumns
{
    /// <summary>The id column.</summary>
    public const string ItemId = "item_id";

    /// <summary>Name of the code column of level <paramref name="level"/> (0-based): "c0", "c1", ...</summary>
    public static string Code(int level) => "c" + level.ToString(CultureInfo.InvariantCulture);

    /// <summary>All column names of a table with <paramref name="levels"/> levels.</summary>
    public static string[] All(int levels) => [ItemId, .. Enumerable.Range(0, levels).Select(Code)];
}

using System.Text.Json;
using System.Text.Json.Serialization;
using RqVae.Model;
using RqVae.Tokenizers;

namespace RqVae.SemanticIds;

/// <summary>
/// The lookup table between items and their unique semantic IDs: item → ID and ID → item. Built once after
/// training by <see cref="CollisionResolver"/> (the report of that step is kept with it), then extended
/// item by item: a new item gets an ID that clashes with no ID in the table. Thread-safe.
/// </summary>
public sealed class ItemIdTable
{
    /// <summary>Identifies the saved file.</summary>
    public const string FormatName = "rqvae-id-table";

    private readonly object gate = new();
    private readonly List<string> items;
    private readonly List<int[]> ids;
    private readonly Dictionary<string, int> rowOfItem;
    private readonly Dictionary<IdKey, int> rowOfId;
    // Per base ID (the L encoded codes): how many items share it, so a newcomer's extra code is the next number.
    private readonly Dictionary<IdKey, int> sharing;

    private ItemIdTable(int baseLevels, bool extraCode, double maxReassignSquaredDistance, CollisionReport report, List<string> items, List<int[]> ids)
    {
        BaseLevels = baseLevels;
        HasExtraCode = extraCode;
        MaxReassignSquaredDistance = maxReassignSquaredDistance;
        Report = report;
        this.items = items;
        this.ids = ids;
        rowOfItem = new Dictionary<string, int>(items.Count, StringComparer.Ordinal);
        rowOfId = new Dictionary<IdKey, int>(items.Count);
        sharing = new Dictionary<IdKey, int>(items.Count);
        for (var i = 0; i < items.Count; i++) Index(i);
    }

    /// <summary>L, the codes the tokenizer encodes.</summary>
    public int BaseLevels { get; }

    /// <summary>Whether IDs carry TIGER's extra code after the L encoded ones.</summary>
    public bool HasExtraCode { get; }

    /// <summary>Length of every ID in the table: L, or L + 1 with the extra code.</summary>
    public int Levels => HasExtraCode ? BaseLevels + 1 : BaseLevels;

    /// <summary>The absolute squared-distance limit for moving an item to a free last-level code.</summary>
    public double MaxReassignSquaredDistance { get; }

    /// <summary>Collisions before and after each step when the table was built.</summary>
    public CollisionReport Report { get; }

    /// <summary>Number of items.</summary>
    public int Count
    {
        get { lock (gate) return items.Count; }
    }

    /// <summary>
    /// Builds the table for <paramref name="itemIds"/> encoded by <paramref name="tokenizer"/> from
    /// <paramref name="features"/> (one row per item, same order), resolving collisions as <paramref name="options"/> say.
    /// </summary>
    public static ItemIdTable Build(ISemanticIdTokenizer tokenizer, IReadOnlyList<string> itemIds, ReadOnlySpan<float> features, CollisionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        var encoded = tokenizer.Encode(features);
        options = (options ?? new CollisionOptions()).Validate();
        var residuals = options.Reassign ? CodeSpace.LastLevelResiduals(tokenizer, features, encoded) : [];
        return Build(itemIds, encoded, residuals, tokenizer.Codebooks()[^1], options);
    }

    /// <summary>Builds the table from IDs already encoded and their last-level residuals (see <see cref="CodeSpace.LastLevelResiduals"/>).</summary>
    public static ItemIdTable Build(IReadOnlyList<string> itemIds, SemanticIdTable encoded, ReadOnlySpan<float> lastResiduals, ReadOnlySpan<float> lastCodebook, CollisionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(itemIds);
        ArgumentNullException.ThrowIfNull(encoded);
        if (itemIds.Count != encoded.Count) throw new ArgumentException($"{itemIds.Count} item IDs for {encoded.Count} semantic IDs.", nameof(itemIds));
        var duplicate = itemIds.GroupBy(x => x, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"Item \"{duplicate.Key}\" appears {duplicate.Count()} times; item IDs must be unique.", nameof(itemIds));
        options = (options ?? new CollisionOptions()).Validate();
        var (unique, report) = CollisionResolver.Resolve(encoded, lastResiduals, lastCodebook, options);
        var rows = Enumerable.Range(0, unique.Count).Select(i => unique[i].ToArray()).ToList();
        return new ItemIdTable(encoded.Levels, options.AppendExtraCode, report.MaxReassignSquaredDistance, report, itemIds.ToList(), rows);
    }

    /// <summary>The ID of <paramref name="item"/>, if it is in the table.</summary>
    public bool TryGetId(string item, out int[] id)
    {
        lock (gate)
        {
            if (rowOfItem.TryGetValue(item, out var row)) { id = (int[])ids[row].Clone(); return true; }
        }
        id = [];
        return false;
    }

    /// <summary>The item whose ID is <paramref name="id"/>, if any.</summary>
    public bool TryGetItem(ReadOnlySpan<int> id, out string item)
    {
        lock (gate)
        {
            if (rowOfId.TryGetValue(new IdKey(id.ToArray()), out var row)) { item = items[row]; return true; }
        }
        item = "";
        return false;
    }

    /// <summary>Every item and its ID, in table order (build order, then additions).</summary>
    public (IReadOnlyList<string> Items, SemanticIdTable Ids) Snapshot()
    {
        lock (gate)
        {
            var codes = new int[items.Count * Levels];
            for (var i = 0; i < items.Count; i++) ids[i].CopyTo(codes, i * Levels);
            return (items.ToArray(), new SemanticIdTable(codes, Levels));
        }
    }

    /// <summary>
    /// Encodes a new item with <paramref name="tokenizer"/> and gives it an ID that clashes with none in the table.
    /// </summary>
    public int[] Add(ISemanticIdTokenizer tokenizer, string item, ReadOnlySpan<float> features)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        if (tokenizer.Levels != BaseLevels) throw new ArgumentException($"The tokenizer makes {tokenizer.Levels}-code IDs but the table holds {BaseLevels}-code ones.", nameof(tokenizer));
        var encoded = tokenizer.Encode(features);
        if (encoded.Count != 1) throw new ArgumentException($"Pass the features of exactly one item (got {encoded.Count} rows).", nameof(features));
        var residual = CodeSpace.LastLevelResiduals(tokenizer, features, encoded);
        return Add(item, encoded[0], residual, tokenizer.Codebooks()[^1]);
    }

    /// <summary>
    /// Adds <paramref name="item"/> with its encoded ID: kept as is if free; else moved to the nearest free
    /// last-level code within <see cref="MaxReassignSquaredDistance"/>; else given the next extra code.
    /// Throws <see cref="InvalidOperationException"/> if no unique ID is possible (no extra code and no free code near enough).
    /// </summary>
    public int[] Add(string item, ReadOnlySpan<int> encoded, ReadOnlySpan<float> lastResidual, ReadOnlySpan<float> lastCodebook)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (encoded.Length != BaseLevels) throw new ArgumentException($"The ID has {encoded.Length} codes; the table's encoded IDs have {BaseLevels}.", nameof(encoded));
        lock (gate)
        {
            if (rowOfItem.ContainsKey(item)) throw new ArgumentException($"Item \"{item}\" is already in the table.", nameof(item));
            var codes = encoded.ToArray();
            if (sharing.ContainsKey(new IdKey(codes)) && lastResidual.Length > 0 && MaxReassignSquaredDistance > 0)
            {
                var d = lastResidual.Length;
                var code = CollisionResolver.NearestFreeCode(codes.AsSpan(0, BaseLevels - 1), lastResidual, 0, lastCodebook, d, MaxReassignSquaredDistance,
                    key => sharing.ContainsKey(key));
                if (code >= 0) codes[^1] = code;
            }
            var shared = sharing.GetValueOrDefault(new IdKey(codes));
            int[] id;
            if (HasExtraCode) id = [.. codes, shared];
            else if (shared == 0) id = codes;
            else throw new InvalidOperationException($"Item \"{item}\" would share ID {string.Join('-', codes)}: no free last-level code is near enough and the table has no extra code.");
            items.Add(item);
            ids.Add(id);
            Index(items.Count - 1);
            return (int[])id.Clone();
        }
    }

    private void Index(int row)
    {
        var id = ids[row];
        if (!rowOfItem.TryAdd(items[row], row)) throw new ArgumentException($"Item \"{items[row]}\" appears twice.");
        if (!rowOfId.TryAdd(new IdKey(id), row)) throw new InvalidOperationException($"ID {string.Join('-', id)} is given to both \"{items[rowOfId[new IdKey(id)]]}\" and \"{items[row]}\".");
        var baseKey = new IdKey(id.AsSpan(0, BaseLevels).ToArray());
        // With the extra code, the next number is one past the largest in use (not the count), so numbers stay unique.
        var next = HasExtraCode ? id[BaseLevels] + 1 : 1;
        sharing[baseKey] = Math.Max(sharing.GetValueOrDefault(baseKey), next);
    }

    /// <summary>Saves the table, with its collision report, as JSON (atomically).</summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        StoredTable stored;
        lock (gate)
            stored = new StoredTable(FormatName, 1, BaseLevels, HasExtraCode, MaxReassignSquaredDistance, Report, items.ToArray(), ids.ToArray());
        IO.AtomicFile.WriteAllText(path, JsonSerializer.Serialize(stored, Json) + "\n");
    }

    /// <summary>Loads a table saved by <see cref="Save"/>; throws <see cref="ModelFormatException"/> naming the file when it is not one.</summary>
    public static ItemIdTable Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new ModelFormatException(path, "no such ID table file.");
        StoredTable? stored;
        try { stored = JsonSerializer.Deserialize<StoredTable>(File.ReadAllBytes(path), Json); }
        catch (JsonException e) { throw new ModelFormatException(path, $"not a valid ID table ({e.Message}).", e); }
        if (stored is null || stored.Format != FormatName) throw new ModelFormatException(path, $"not an ID table (format should be \"{FormatName}\").");
        if (stored.Version > 1) throw new ModelFormatException(path, $"ID table version {stored.Version} is newer than this program reads (1); upgrade rqvae.");
        if (stored.Items is null || stored.Ids is null || stored.Report is null || stored.Items.Length != stored.Ids.Length)
            throw new ModelFormatException(path, "items, ids and report must all be present, with one ID per item.");
        var levels = stored.BaseLevels + (stored.ExtraCode ? 1 : 0);
        for (var i = 0; i < stored.Ids.Length; i++)
            if (stored.Ids[i] is null || stored.Ids[i].Length != levels || stored.Ids[i].Any(c => c < 0))
                throw new ModelFormatException(path, $"row {i} (item \"{stored.Items[i]}\"): the ID must be {levels} non-negative codes.");
        try
        {
            return new ItemIdTable(stored.BaseLevels, stored.ExtraCode, stored.MaxReassignSquaredDistance, stored.Report, stored.Items.ToList(), stored.Ids.ToList());
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            throw new ModelFormatException(path, e.Message, e);
        }
    }

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        MaxDepth = 16,
    };

    private sealed record StoredTable(string Format, int Version, int BaseLevels, bool ExtraCode, double MaxReassignSquaredDistance,
        CollisionReport Report, string[] Items, int[][] Ids);
}

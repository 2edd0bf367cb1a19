using RqVae.Data.Errors;
using RqVae.Data.Items;
using RqVae.SemanticIds;

namespace RqVae.Data.IdTables;

/// <summary>
/// Joins the shard tables of one catalogue (written by <c>rqvae encode --shard i/N</c>, each with its
/// <see cref="ShardSidecar"/>) into the rows one process would have encoded, in the catalogue's order, with what the
/// collision resolver needs. Checks that every table comes from the same model, that the shards are the N shards of one
/// split (none missing, none twice) and that every item appears once. Memory: every item's id, codes and last-level
/// residual (as <c>encode --unique</c> keeps), plus one dictionary entry per item for the repeat check (about 30 bytes)
/// and one shard's table and sidecar at a time while reading.
/// </summary>
public static class ShardMerge
{
    /// <summary>Reads and joins <paramref name="tables"/>.</summary>
    /// <exception cref="DataFormatException">A table or sidecar is malformed, the models differ, a shard is missing or repeated, or an item appears twice.</exception>
    public static JoinedShards Join(IReadOnlyList<string> tables)
    {
        ArgumentNullException.ThrowIfNull(tables);
        if (tables.Count == 0) throw new ArgumentException("Give at least one shard table.", nameof(tables));
        var headers = tables.Select(t => ShardSidecar.ReadHeader(ShardSidecar.PathFor(t))).ToArray();
        var shards = new ItemShard[tables.Count];
        var byIndex = new Dictionary<int, int>();
        for (var f = 0; f < tables.Count; f++)
        {
            var h = headers[f];
            if (h.ModelHash != headers[0].ModelHash)
                throw new DataFormatException($"the shard was encoded by model {h.ModelHash}, but {tables[0]} by model {headers[0].ModelHash}", tables[f],
                    remedy: "Merge shards encoded by one model; encode the catalogue's shards again with the same model.");
            if (h.Levels != headers[0].Levels || h.ResidualDimension != headers[0].ResidualDimension || h.CodebookSize != headers[0].CodebookSize)
                throw new DataFormatException($"the shard has {h.Levels} levels and a {h.CodebookSize} × {h.ResidualDimension} last codebook; {tables[0]} has {headers[0].Levels} and {headers[0].CodebookSize} × {headers[0].ResidualDimension}", tables[f]);
            try { shards[f] = ItemShard.Parse(h.Shard); }
            catch (FormatException e) { throw new DataFormatException(e.Message, ShardSidecar.PathFor(tables[f]), innerException: e, remedy: "Encode the shard again."); }
            if (shards[f].Count != shards[0].Count)
                throw new DataFormatException($"the table is shard {shards[f]}, one of {shards[f].Count}, but {tables[0]} is shard {shards[0]}, one of {shards[0].Count}", tables[f],
                    remedy: "Merge the shards of one split: every table encoded with the same N in --shard i/N.");
            if (!byIndex.TryAdd(shards[f].Index, f))
                throw new DataFormatException($"the table is shard {shards[f]}, and so is {tables[byIndex[shards[f].Index]]}", tables[f],
                    remedy: "Give each shard once.");
        }
        var missing = Enumerable.Range(0, shards[0].Count).Where(i => !byIndex.ContainsKey(i)).ToArray();
        if (missing.Length > 0)
            throw new DataFormatException($"shard{(missing.Length > 1 ? "s" : "")} {string.Join(", ", missing.Take(10).Select(i => $"{i}/{shards[0].Count}"))}{(missing.Length > 10 ? ", …" : "")} of the split {(missing.Length > 1 ? "are" : "is")} missing: without {(missing.Length > 1 ? "them" : "it")} the merged table would lack items",
                tables[0], remedy: "Give every shard table of the split.");

        var total = headers.Sum(h => h.Rows);
        if (total > Array.MaxLength) throw new DataFormatException($"the shards hold {total:N0} items; one merge holds at most {Array.MaxLength:N0}", tables[0]);
        var levels = headers[0].Levels;
        var d = headers[0].ResidualDimension;
        var ids = new string[total];
        var codes = new int[checked(total * levels)];
        var residuals = new float[checked(total * d)];
        var fileOf = new Dictionary<string, int>((int)total, StringComparer.Ordinal);
        float[]? codebook = null;
        // Every row of the catalogue is in exactly one shard, so the catalogue rows of a complete split are 0 … total − 1:
        // each item goes straight to its place in the catalogue's order (the resolver's ties and suffixes follow it, as in
        // one process), without a sort or a second copy.
        for (var f = 0; f < tables.Count; f++)
        {
            var side = ShardSidecar.Read(ShardSidecar.PathFor(tables[f]));
            codebook ??= side.LastCodebook;
            if (!codebook.AsSpan().SequenceEqual(side.LastCodebook))
                throw new DataFormatException($"the shard's last codebook differs from that of {tables[0]}", tables[f], remedy: "Merge shards encoded by one model.");
            var table = headers[f].Rows == 0 ? new SemanticIdTable([], [], levels, headers[f].ModelHash) : SemanticIdTableReader.Read(tables[f]);
            if (table.ModelHash != headers[f].ModelHash)
                throw new DataFormatException($"the table records model {table.ModelHash ?? "(none)"} but its shard sidecar model {headers[f].ModelHash}", tables[f],
                    remedy: "Keep each table with its own .meta.json and .shard files; encode the shard again.");
            if (table.Count != headers[f].Rows || table.Levels != levels)
                throw new DataFormatException($"the table has {table.Count:N0} rows of {table.Levels} codes but its shard sidecar {headers[f].Rows:N0} rows of {levels}", tables[f],
                    remedy: "Keep each table with its own .shard file; encode the shard again.");
            var tableIds = table.ItemIds!;
            var tableCodes = table.Codes;
            for (var i = 0; i < table.Count; i++)
            {
                var id = tableIds[i];
                if (!fileOf.TryAdd(id, f))
                    throw new DataFormatException($"item '{id}' appears in this table and in {tables[fileOf[id]]}", tables[f],
                        remedy: "Each item must be in one shard: merge the shards of one catalogue, each encoded once.");
                var row = side.CatalogueRows[i];
                if (row >= total || ids[row] is not null)
                    throw new DataFormatException(row >= total
                        ? $"item '{id}' comes from catalogue row {row + 1:N0}, but the shards hold {total:N0} items: the shards were cut from different catalogues"
                        : $"items '{ids[row]}' and '{id}' both come from catalogue row {row + 1:N0}: the shards were cut from different catalogues",
                        tables[f], remedy: "Merge the shards of one catalogue file, all encoded from the same file.");
                ids[row] = id;
                tableCodes.Slice(i * levels, levels).CopyTo(codes.AsSpan((int)(row * levels)));
                side.Residuals.AsSpan((int)(i * d), d).CopyTo(residuals.AsSpan((int)(row * d)));
            }
        }
        fileOf.Clear();
        fileOf.TrimExcess();
        return new JoinedShards(new SemanticIdTable(ids, codes, levels, headers[0].ModelHash), residuals, d, codebook!, shards[0].Count);
    }
}

/// <summary>The shards of one catalogue joined, in the catalogue's order.</summary>
/// <param name="Table">Every item's id and codes as encoded, with the model hash.</param>
/// <param name="Residuals">Every item's last-level residual, row-major [N, <paramref name="ResidualDimension"/>].</param>
/// <param name="ResidualDimension">Values per residual.</param>
/// <param name="LastCodebook">The model's last codebook, row-major [K, D].</param>
/// <param name="ShardCount">How many shards were joined.</param>
public sealed record JoinedShards(SemanticIdTable Table, float[] Residuals, int ResidualDimension, float[] LastCodebook, int ShardCount);

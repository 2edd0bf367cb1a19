using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Http;
using RqVae.Catalogue.Stores;
using RqVae.SemanticIds;
using RqVae.Service.Contracts;
using RqVae.Service.Hosting;
using RqVae.Service.Problems;

namespace RqVae.Service;

/// <summary>
/// What the HTTP endpoints do, without HTTP: checks each item of a batch, encodes the good ones in one call of the
/// frozen tokenizer's encoder, and has the store assign them in one transaction; answers lookups from the store (never
/// recomputing a stored ID); ranks similar items as <c>rqvae similar</c> does. Thread-safe.
/// </summary>
public sealed class CatalogueService
{
    private readonly SemaphoreSlim indexLock = new(1, 1);
    private SimilarIndex? index;

    /// <summary>Serves <paramref name="store"/>'s catalogue with <paramref name="model"/>.</summary>
    public CatalogueService(ServedModel model, ICatalogueStore store, CatalogueServiceOptions options, ServiceMetrics metrics)
    {
        Model = model ?? throw new ArgumentNullException(nameof(model));
        Store = store ?? throw new ArgumentNullException(nameof(store));
        Options = (options ?? throw new ArgumentNullException(nameof(options))).Validate();
        Metrics = metrics ?? throw new ArgumentNullException(nameof(metrics));
    }

    /// <summary>The frozen tokenizer.</summary>
    public ServedModel Model { get; }

    /// <summary>Where the IDs are kept.</summary>
    public ICatalogueStore Store { get; }

    /// <summary>The service's settings.</summary>
    public CatalogueServiceOptions Options { get; }

    /// <summary>The service's counters.</summary>
    public ServiceMetrics Metrics { get; }

    /// <summary>Longest title kept, in characters.</summary>
    public const int MaxTitleLength = 1000;

    /// <summary>
    /// Gives each good item of <paramref name="items"/> its ID (or returns the one it has), reporting each bad item as an
    /// error in its own result.
    /// </summary>
    public async Task<AssignResponse> AssignAsync(IReadOnlyList<ItemInput?> items, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var prepared = Prepare(items, cancellationToken);
        var good = prepared.Where(p => p.Error is null).ToList();
        var stored = good.Count == 0 ? [] : await Store.AssignAsync([.. good.Select(p => new NewCatalogueItem(p.ItemId!, p.Codes!, p.Title))], cancellationToken);
        var results = new ItemResult[prepared.Count];
        var next = 0;
        int created = 0, unchanged = 0, collided = 0;
        for (var i = 0; i < prepared.Count; i++)
        {
            var p = prepared[i];
            if (p.Error is not null)
            {
                results[i] = new ItemResult(p.ItemId, null, null, "error", Error: p.Error);
                continue;
            }
            var (item, status) = stored[next++];
            if (status == AssignStatus.Created)
            {
                created++;
                if (item.Id.CollisionCode > 0) collided++;
            }
            else unchanged++;
            results[i] = new ItemResult(item.ItemId, item.Id.ToString(), item.Id.Full(),
                status == AssignStatus.Created ? "created" : "unchanged",
                Retired: item.Retired ? true : null,
                Drift: status == AssignStatus.Created ? null : DriftOf(item.Id.Codes, p.Codes!));
        }
        Metrics.Assigned(created, unchanged, prepared.Count - good.Count, collided);
        return new AssignResponse(results, clock.Elapsed.TotalSeconds);
    }

    /// <summary>The codes the model gives each good item now; nothing is stored.</summary>
    public EncodeResponse Encode(IReadOnlyList<ItemInput?> items, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var results = Prepare(items, cancellationToken)
            .Select(p => p.Error is not null
                ? new EncodeResult(p.ItemId, null, null, "error", p.Error)
                : new EncodeResult(p.ItemId, p.Codes, Format(p.Codes!), "encoded"))
            .ToList();
        return new EncodeResponse(results, clock.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// The <paramref name="k"/> active items most similar to <paramref name="item"/>: longest shared prefix of the L codes
    /// first, then nearest code vector (the library's <see cref="SemanticIdIndex"/>, as <c>rqvae similar</c> ranks them).
    /// </summary>
    public async Task<SimilarResponse> SimilarAsync(CatalogueItem item, int k, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        var current = await CurrentIndexAsync(cancellationToken);
        var codes = item.Id.Codes.ToArray();
        var row = Array.FindIndex(current.Items, i => i.ItemId == item.ItemId);
        var similar = current.Items.Length == 0 || (row >= 0 && current.Items.Length == 1) ? []
            : current.Index.Query(codes, Math.Min(k, current.Items.Length - (row >= 0 ? 1 : 0)), row >= 0 ? row : null);
        return new SimilarResponse(item.ItemId, item.Id.ToString(), [.. similar.Select(s =>
        {
            var other = current.Items[s.Row];
            return new SimilarView(other.ItemId, other.Id.ToString(), other.Title, s.SharedPrefix, s.Distance);
        })]);
    }

    /// <summary>
    /// Reads "a-b-c" as a prefix of 0 … L codes (empty text: the root), each inside the codebook; null with the reason in
    /// <paramref name="error"/> otherwise.
    /// </summary>
    public int[]? ParsePrefix(string? text, out string? error)
    {
        error = null;
        if (string.IsNullOrEmpty(text)) return [];
        var parts = text.Split('-');
        if (parts.Length > Model.Catalogue.Levels)
        {
            error = $"'{text}' has {parts.Length} codes; a prefix has at most {Model.Catalogue.Levels} (the model's levels). Use GET /ids/{{id}} for a full ID.";
            return null;
        }
        var codes = new int[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out codes[i]) || codes[i] >= Model.Catalogue.CodebookSize)
            {
                error = $"'{text}' is not a prefix: code {i} ('{parts[i]}') must be a whole number in 0..{Model.Catalogue.CodebookSize - 1}, codes joined by '-' (\"3-17\").";
                return null;
            }
        }
        return codes;
    }

    /// <summary>Reads a full ID ("3-17-200-0": L codes and the collision code); null with the reason in <paramref name="error"/> otherwise.</summary>
    public CatalogueId? ParseId(string? text, out string? error)
    {
        error = null;
        var levels = Model.Catalogue.Levels;
        if (!CatalogueId.TryParse(text, out var id) || id is null)
        {
            error = $"'{text}' is not a full ID: give {levels} codes and the collision code as whole numbers joined by '-' (\"{string.Join('-', Enumerable.Repeat("0", levels + 1))}\").";
            return null;
        }
        if (id.Codes.Count != levels)
        {
            error = $"'{text}' has {id.Codes.Count + 1} numbers; a full ID has {levels + 1} ({levels} codes and the collision code).";
            return null;
        }
        if (Model.Catalogue.CheckCodes(id.Codes) is { } why)
        {
            error = $"'{text}' cannot be an ID of this model: {why}.";
            return null;
        }
        return id;
    }

    /// <summary>Codes joined by '-'.</summary>
    public static string Format(IEnumerable<int> codes) => string.Join('-', codes.Select(c => c.ToString(CultureInfo.InvariantCulture)));

    private static Drift? DriftOf(IReadOnlyList<int> stored, int[] fresh)
    {
        var changed = 0;
        for (var l = 0; l < fresh.Length; l++) if (stored[l] != fresh[l]) changed++;
        if (changed == 0) return null;
        return new Drift(fresh, changed, SemanticIdSimilarity.SharedPrefixLength(stored.ToArray(), fresh));
    }

    private sealed record PreparedItem(string? ItemId, int[]? Codes, string? Title, HttpValidationProblemDetails? Error);

    /// <summary>Checks every item, embeds the texts in one batch and encodes every good item in one call.</summary>
    private List<PreparedItem> Prepare(IReadOnlyList<ItemInput?> items, CancellationToken cancellationToken)
    {
        var dimension = Model.Tokenizer.InputDimension;
        var prepared = new List<PreparedItem>(items.Count);
        var featureRows = new List<(int Index, float[] Values)>();
        var textRows = new List<(int Index, string Text)>();
        string? textRefusal = null;
        var textChecked = false;
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            var at = $"items[{i}]";
            HttpValidationProblemDetails? error = null;
            if (item is null) error = Problem.Field(at, "is null; give an object with \"item_id\" and \"features\" or \"text\".");
            else if (string.IsNullOrWhiteSpace(item.ItemId)) error = Problem.Field($"{at}.item_id", "is missing or empty; every item needs its catalogue id.");
            else if (item.ItemId.Length > Options.MaxItemIdLength) error = Problem.Field($"{at}.item_id", $"is {item.ItemId.Length} characters; the limit is {Options.MaxItemIdLength}.");
            else if (item.ItemId.Any(char.IsControl)) error = Problem.Field($"{at}.item_id", "contains a control character (a tab, a line break, …); ids are single-line text.");
            else if (item.Features is not null && item.Text is not null) error = Problem.Field(at, "has both \"features\" and \"text\"; give exactly one.");
            else if (item.Features is null && item.Text is null) error = Problem.Field(at, "has neither \"features\" nor \"text\"; give exactly one.");
            else if (item.Title is { Length: > MaxTitleLength }) error = Problem.Field($"{at}.title", $"is {item.Title.Length} characters; the limit is {MaxTitleLength}.");
            else if (item.Features is { } features)
            {
                if (features.Error is not null) error = Problem.Field($"{at}.features", features.Error + ".");
                else if (features.Values.Length != dimension) error = Problem.Field($"{at}.features", $"has {features.Values.Length} values; the model takes {dimension}.");
                else featureRows.Add((i, features.Values));
            }
            else
            {
                var text = item.Text!;
                if (!textChecked)
                {
                    textRefusal = Model.TextRefusal();
                    textChecked = true;
                }
                if (string.IsNullOrWhiteSpace(text)) error = Problem.Field($"{at}.text", "is empty; give the item's text (a title, a description).");
                else if (text.Length > Options.MaxTextLength) error = Problem.Field($"{at}.text", $"is {text.Length} characters; the limit is {Options.MaxTextLength} (max_text_length).");
                else if (textRefusal is not null) error = Problem.Field($"{at}.text", textRefusal + ".");
                else textRows.Add((i, text));
            }
            prepared.Add(new PreparedItem(item?.ItemId, null, item?.Title ?? TitleOfText(item?.Text), error));
        }

        var rows = featureRows.Count + textRows.Count;
        if (rows == 0) return prepared;
        var matrix = new float[rows * dimension];
        var order = new int[rows];
        var r = 0;
        foreach (var (index, values) in featureRows)
        {
            values.CopyTo(matrix.AsSpan(r * dimension, dimension));
            order[r++] = index;
        }
        if (textRows.Count > 0)
        {
            var embedded = Model.Embed([.. textRows.Select(t => t.Text)], cancellationToken);
            embedded.CopyTo(matrix.AsSpan(r * dimension));
            foreach (var (index, _) in textRows) order[r++] = index;
        }
        cancellationToken.ThrowIfCancellationRequested();
        var ids = Model.Encoder.Encode(matrix);
        for (var row = 0; row < rows; row++)
            prepared[order[row]] = prepared[order[row]] with { Codes = ids[row].ToArray() };
        return prepared;
    }

    // A text item without a title is shown by its text's first line, cut to a title's length.
    private static string? TitleOfText(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var line = text.AsSpan().TrimStart();
        var end = line.IndexOfAny('\r', '\n');
        if (end >= 0) line = line[..end];
        return line.Length > 200 ? line[..200].ToString() : line.ToString();
    }

    private sealed record SimilarIndex(CatalogueCounts Version, SemanticIdIndex Index, CatalogueItem[] Items);

    // The index is rebuilt when items were added or retired since it was built: similar queries see the catalogue as it
    // is, and a catalogue that does not change is indexed once.
    private async Task<SimilarIndex> CurrentIndexAsync(CancellationToken cancellationToken)
    {
        var counts = await Store.CountsAsync(cancellationToken);
        if (index is { } built && built.Version == counts) return built;
        await indexLock.WaitAsync(cancellationToken);
        try
        {
            if (index is { } again && again.Version == counts) return again;
            var items = new List<CatalogueItem>();
            await foreach (var item in Store.ReadAllAsync(cancellationToken))
                if (!item.Retired) items.Add(item);
            var levels = Model.Catalogue.Levels;
            var codes = new int[items.Count * levels];
            for (var i = 0; i < items.Count; i++)
                for (var l = 0; l < levels; l++) codes[i * levels + l] = items[i].Id.Codes[l];
            var table = new SemanticIdTable(codes, levels);
            var fresh = new SimilarIndex(counts, SemanticIdIndex.Build(Model.Tokenizer, table), [.. items]);
            index = fresh;
            return fresh;
        }
        finally
        {
            indexLock.Release();
        }
    }
}

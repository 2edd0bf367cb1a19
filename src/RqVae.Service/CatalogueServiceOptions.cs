namespace RqVae.Service;

/// <summary>
/// Settings of the catalogue service. The defaults suit one machine serving a catalogue of up to a few million items;
/// <see cref="Validate"/> refuses values that cannot work.
/// </summary>
public sealed record CatalogueServiceOptions
{
    /// <summary>Where Kestrel listens. Default <see cref="DefaultUrls"/>: loopback only, so nothing is exposed by accident.</summary>
    public string Urls { get; init; } = DefaultUrls;

    /// <summary>127.0.0.1:5080: loopback only.</summary>
    public const string DefaultUrls = "http://127.0.0.1:5080";

    /// <summary>
    /// The key writes (assign, retire) require, given as <c>Authorization: Bearer KEY</c> or <c>X-Api-Key: KEY</c>; null
    /// (the default) lets anyone who reaches the port write, which is what loopback-only serving means.
    /// </summary>
    public string? ApiKey { get; init; }

    /// <summary>
    /// Largest request body in bytes. Default 32 MiB: a batch of <see cref="MaxBatchItems"/> vectors of 768 floats
    /// written as JSON text is about 25 MB.
    /// </summary>
    public long MaxRequestBodyBytes { get; init; } = 32L << 20;

    /// <summary>Most items in one assign or encode request. Default 4096: two of the library's default encoding batches.</summary>
    public int MaxBatchItems { get; init; } = 4096;

    /// <summary>
    /// Longest item text in characters. Default 10,000: far more than a title and description; MiniLM reads only the first
    /// 256 tokens of it anyway, so longer texts are almost certainly a mistake (a file pasted into the field).
    /// </summary>
    public int MaxTextLength { get; init; } = 10_000;

    /// <summary>Longest item id in characters. Default 512.</summary>
    public int MaxItemIdLength { get; init; } = 512;

    /// <summary>Largest page of a browse or search. Default 1000.</summary>
    public int MaxPageSize { get; init; } = 1000;

    /// <summary>Most similar items one query may ask for. Default 100.</summary>
    public int MaxSimilar { get; init; } = 100;

    /// <summary>
    /// How long a stop (SIGTERM) waits for requests in flight before the process ends anyway. Default 30 s, ASP.NET Core's
    /// own default.
    /// </summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid member.</summary>
    public CatalogueServiceOptions Validate()
    {
        if (string.IsNullOrWhiteSpace(Urls)) throw new ArgumentException($"{nameof(Urls)} is empty.", nameof(Urls));
        if (ApiKey is not null && ApiKey.Length == 0) throw new ArgumentException($"{nameof(ApiKey)} is empty; give a key or none.", nameof(ApiKey));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRequestBodyBytes, 1024, nameof(MaxRequestBodyBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBatchItems, 1, nameof(MaxBatchItems));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxTextLength, 1, nameof(MaxTextLength));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxItemIdLength, 1, nameof(MaxItemIdLength));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPageSize, 1, nameof(MaxPageSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxSimilar, 1, nameof(MaxSimilar));
        if (ShutdownTimeout < TimeSpan.Zero) throw new ArgumentException($"{nameof(ShutdownTimeout)} is negative.", nameof(ShutdownTimeout));
        return this;
    }
}

using RqVae.IO;

namespace RqVae.Text;

/// <summary>
/// Embeddings on disk, keyed by content: the SHA-256 of the model id and the exact text. A second run
/// over the same texts reads them back instead of running the model.
/// </summary>
/// <remarks>
/// <para>Each <see cref="Add"/> writes one file <c>{model hash}-{content hash}.rqemb</c> in
/// <see cref="Directory"/> (format documented on the internal <c>EmbeddingCacheFile</c>: header, keys,
/// float32 vectors, SHA-256 trailer). Files are written atomically with <see cref="AtomicFile"/>, so a
/// crash leaves either no file or a complete one; a file that is nevertheless truncated or damaged
/// fails its length or checksum test, is deleted, and its texts count as misses.</para>
/// <para>The files of a model are read once, on its first lookup. Thread-safe within a process; several
/// processes may share a directory (they write distinct files and never modify one in place).</para>
/// </remarks>
public sealed class EmbeddingCache
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, Dictionary<string, ReadOnlyMemory<float>>> models = new(StringComparer.Ordinal);
    private int discardedFiles;

    /// <summary>Opens (and creates if needed) a cache in <paramref name="directory"/>.</summary>
    /// <param name="directory">The folder of the cache files; null means <see cref="DefaultDirectory"/>.</param>
    public EmbeddingCache(string? directory = null)
    {
        Directory = Path.GetFullPath(directory ?? DefaultDirectory);
        System.IO.Directory.CreateDirectory(Directory);
    }

    /// <summary>
    /// <c>$RQVAE_CACHE_DIR/embeddings</c> if that variable is set; otherwise
    /// <c>$XDG_CACHE_HOME/rqvae/embeddings</c>, falling back to <c>~/.cache/rqvae/embeddings</c>
    /// (on Windows, <c>%LOCALAPPDATA%\rqvae\cache\embeddings</c>).
    /// </summary>
    public static string DefaultDirectory
    {
        get
        {
            var explicitRoot = Environment.GetEnvironmentVariable("RQVAE_CACHE_DIR");
            if (!string.IsNullOrEmpty(explicitRoot)) return Path.Combine(explicitRoot, "embeddings");
            if (OperatingSystem.IsWindows())
                return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "rqvae", "cache", "embeddings");
            var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            var root = string.IsNullOrEmpty(xdg)
                ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache")
                : xdg;
            return Path.Combine(root, "rqvae", "embeddings");
        }
    }

    /// <summary>The folder holding the cache files.</summary>
    public string Directory { get; }

    /// <summary>How many damaged files this instance has found and deleted.</summary>
    public int DiscardedFileCount => Volatile.Read(ref discardedFiles);

    /// <summary>Copies the cached embedding of <paramref name="text"/> into <paramref name="destination"/> if there is one.</summary>
    /// <param name="modelId">The embedder's <see cref="ITextEmbedder.ModelId"/>.</param>
    /// <param name="text">The exact text (no normalisation is applied).</param>
    /// <param name="destination">Receives the vector; its length is the model's dimension.</param>
    /// <returns>True on a hit.</returns>
    public bool TryGet(string modelId, string text, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(modelId);
        ArgumentNullException.ThrowIfNull(text);
        var key = Convert.ToHexString(EmbeddingCacheFile.EntryKey(modelId, text));
        ReadOnlyMemory<float> vector;
        lock (gate)
        {
            if (!EntriesOf(modelId).TryGetValue(key, out vector)) return false;
        }
        if (vector.Length != destination.Length)
            throw new ArgumentException($"Cached vectors of '{modelId}' have {vector.Length} dimensions, destination has {destination.Length}.", nameof(destination));
        vector.Span.CopyTo(destination);
        return true;
    }

    /// <summary>Stores the embeddings of <paramref name="texts"/> in one new file and makes them visible to <see cref="TryGet"/>.</summary>
    /// <param name="modelId">The embedder's <see cref="ITextEmbedder.ModelId"/>.</param>
    /// <param name="dimension">Length of each vector.</param>
    /// <param name="texts">The texts, in the order of the rows of <paramref name="vectors"/>.</param>
    /// <param name="vectors">Row-major [texts.Count, dimension].</param>
    public void Add(string modelId, int dimension, IReadOnlyList<string> texts, ReadOnlySpan<float> vectors)
    {
        ArgumentNullException.ThrowIfNull(modelId);
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        if (vectors.Length != (long)texts.Count * dimension)
            throw new ArgumentException($"Expected {texts.Count}×{dimension} floats, got {vectors.Length}.", nameof(vectors));
        if (texts.Count == 0) return;

        var keys = texts.Select(t => EmbeddingCacheFile.EntryKey(modelId, t ?? throw new ArgumentException("A text is null.", nameof(texts)))).ToArray();
        var modelHash = EmbeddingCacheFile.ModelHash(modelId);
        var bytes = EmbeddingCacheFile.Serialise(modelHash, dimension, keys, vectors);
        // Named by content, so storing the same batch twice rewrites one file instead of adding another.
        var contentHash = System.Security.Cryptography.SHA256.HashData(bytes.AsSpan(0, bytes.Length - 32));
        AtomicFile.WriteAllBytes(Path.Combine(Directory, FileName(modelHash, contentHash)), bytes);

        var copy = vectors.ToArray();
        lock (gate)
        {
            var entries = EntriesOf(modelId);
            for (var i = 0; i < keys.Length; i++)
                entries[Convert.ToHexString(keys[i])] = copy.AsMemory(i * dimension, dimension);
        }
    }

    private static string FilePrefix(byte[] modelHash) => Convert.ToHexStringLower(modelHash, 0, 8) + "-";

    private static string FileName(byte[] modelHash, byte[] contentHash) =>
        FilePrefix(modelHash) + Convert.ToHexStringLower(contentHash, 0, 16) + EmbeddingCacheFile.Extension;

    /// <summary>The in-memory index of one model, read from disk on first use. Caller holds the lock.</summary>
    private Dictionary<string, ReadOnlyMemory<float>> EntriesOf(string modelId)
    {
        if (models.TryGetValue(modelId, out var loaded)) return loaded;

        var modelHash = EmbeddingCacheFile.ModelHash(modelId);
        var entries = new Dictionary<string, ReadOnlyMemory<float>>(StringComparer.Ordinal);
        foreach (var path in System.IO.Directory.EnumerateFiles(Directory, FilePrefix(modelHash) + "*" + EmbeddingCacheFile.Extension))
        {
            byte[] bytes;
            try { bytes = File.ReadAllBytes(path); }
            catch (IOException) { continue; }               // vanished or locked: treat its texts as misses
            catch (UnauthorizedAccessException) { continue; }

            var failure = EmbeddingCacheFile.TryParse(bytes, out var contents);
            if (failure == EmbeddingCacheFile.ReadFailure.Corrupt)
            {
                Interlocked.Increment(ref discardedFiles);
                TryDelete(path);
                continue;
            }
            // A future format version is not ours to judge; a sound file of another model whose hash
            // shares the 64-bit name prefix is not ours to use.
            if (contents is null || !contents.ModelHash.AsSpan().SequenceEqual(modelHash)) continue;

            for (var i = 0; i < contents.Keys.Length; i++)
                entries[Convert.ToHexString(contents.Keys[i])] = contents.Vectors.AsMemory(i * contents.Dimension, contents.Dimension);
        }
        models[modelId] = entries;
        return entries;
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

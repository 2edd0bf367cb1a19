using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;
using RqVae.IO;
using RqVae.Model;
using RqVae.Recommender.Tiger.Modules;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace RqVae.Recommender.Tiger;

/// <summary>Where a TIGER fit stood at the end of an epoch: enough to continue it exactly.</summary>
internal sealed record TigerCheckpointState
{
    public required string OptionsJson { get; init; }
    public required string DataSha256 { get; init; }
    public required int NextEpoch { get; init; }
    public required long Step { get; init; }
    public required double BestNdcg { get; init; }
    public required int BestEpoch { get; init; }
    public required double ElapsedSeconds { get; init; }
}

/// <summary>
/// The training state of a TIGER fit (either network), written atomically after every epoch: metadata, weights (safetensors), the best
/// epoch's weights, AdamW's state and the run's generator, followed by the SHA-256 of all of it, so a truncated or
/// corrupt file is refused as a whole. Layout: <c>TIGERCKP</c>, then five length-prefixed sections, then the hash.
/// </summary>
internal static class TigerCheckpoint
{
    public const string FileName = "tiger-checkpoint.bin";

    private static ReadOnlySpan<byte> Magic => "TIGERCKP"u8;

    public static void Write(string path, TigerCheckpointState state, nn.Module module, Dictionary<string, Tensor>? best, optim.Optimizer optimizer, Generator generator)
    {
        var sections = new byte[5][];
        sections[0] = JsonSerializer.SerializeToUtf8Bytes(state);
        using (var weights = new MemoryStream())
        {
            module.save_safetensors(weights, leaveOpen: true);
            sections[1] = weights.ToArray();
        }
        sections[2] = best is null ? [] : WriteTensors(best);
        using (var buffer = new MemoryStream())
        {
            using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true)) ((OptimizerHelper)optimizer).save_state_dict(writer);
            sections[3] = buffer.ToArray();
        }
        using (var generatorState = generator.get_state()) sections[4] = generatorState.data<byte>().ToArray();
        using var payload = new MemoryStream();
        Span<byte> length = stackalloc byte[8];
        foreach (var section in sections)
        {
            BinaryPrimitives.WriteInt64LittleEndian(length, section.Length);
            payload.Write(length);
            payload.Write(section);
        }
        var bytes = payload.ToArray();
        var hash = SHA256.HashData(bytes);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        AtomicFile.Write(path, s =>
        {
            s.Write(Magic);
            s.Write(bytes);
            s.Write(hash);
        });
    }

    /// <summary>Reads and verifies the checkpoint; throws <see cref="ModelFormatException"/> naming the file when it is not whole.</summary>
    public static (TigerCheckpointState State, byte[][] Sections) Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < Magic.Length + SHA256.HashSizeInBytes || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw new ModelFormatException(path, "this is not a TIGER training checkpoint. Start afresh without resume.");
        var payload = bytes.AsSpan(Magic.Length, bytes.Length - Magic.Length - SHA256.HashSizeInBytes);
        if (!SHA256.HashData(payload).AsSpan().SequenceEqual(bytes.AsSpan(bytes.Length - SHA256.HashSizeInBytes)))
            throw new ModelFormatException(path, "the checkpoint's checksum does not match its content; the file is corrupt. Start afresh without resume.");
        var sections = new byte[5][];
        var offset = 0;
        for (var i = 0; i < sections.Length; i++)
        {
            if (payload.Length - offset < 8) throw new ModelFormatException(path, "the checkpoint is truncated. Start afresh without resume.");
            var length = BinaryPrimitives.ReadInt64LittleEndian(payload[offset..]);
            offset += 8;
            if (length < 0 || length > payload.Length - offset) throw new ModelFormatException(path, "the checkpoint is corrupt. Start afresh without resume.");
            sections[i] = payload.Slice(offset, (int)length).ToArray();
            offset += (int)length;
        }
        var state = JsonSerializer.Deserialize<TigerCheckpointState>(sections[0]) ?? throw new ModelFormatException(path, "the checkpoint has no metadata.");
        return (state, sections);
    }

    /// <summary>Puts the weights, best weights, optimizer state and generator back.</summary>
    public static Dictionary<string, Tensor>? Restore(byte[][] sections, nn.Module module, optim.Optimizer optimizer, Generator generator)
    {
        using (var weights = new MemoryStream(sections[1], writable: false)) module.load_safetensors(weights, strict: true);
        using (var state = new MemoryStream(sections[3], writable: false))
        using (var reader = new BinaryReader(state))
            ((OptimizerHelper)optimizer).load_state_dict(reader);
        using (var generatorState = tensor(sections[4])) generator.set_state(generatorState);
        return sections[2].Length == 0 ? null : ReadTensors(sections[2]);
    }

    private static byte[] WriteTensors(Dictionary<string, Tensor> tensors)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(tensors.Count);
            foreach (var (name, t) in tensors)
            {
                writer.Write(name);
                writer.Write(t.shape.Length);
                foreach (var d in t.shape) writer.Write(d);
                writer.Write(MemoryMarshal.AsBytes(t.contiguous().data<float>().ToArray().AsSpan()));
            }
        }
        return buffer.ToArray();
    }

    private static Dictionary<string, Tensor> ReadTensors(byte[] bytes)
    {
        using var reader = new BinaryReader(new MemoryStream(bytes, writable: false));
        var count = reader.ReadInt32();
        var result = new Dictionary<string, Tensor>(count);
        for (var i = 0; i < count; i++)
        {
            var name = reader.ReadString();
            var shape = new long[reader.ReadInt32()];
            for (var d = 0; d < shape.Length; d++) shape[d] = reader.ReadInt64();
            var elements = shape.Aggregate(1L, (a, b) => a * b);
            var values = MemoryMarshal.Cast<byte, float>(reader.ReadBytes(checked((int)elements * sizeof(float)))).ToArray();
            result[name] = tensor(values, shape);
        }
        return result;
    }
}

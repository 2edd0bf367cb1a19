using System.Runtime.InteropServices;
using RqVae.Model;
using static TorchSharp.torch;

namespace RqVae.Training.Checkpointing;

/// <summary>
/// A minimal byte layout for a name → float32 tensor dictionary inside a checkpoint (already covered by the
/// checkpoint's checksum): count, then per tensor its name, rank, shape and values. Every length is checked
/// against the bytes that remain before anything is allocated.
/// </summary>
internal static class TensorDictionary
{
    public static byte[] Write(IReadOnlyDictionary<string, Tensor> tensors)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(tensors.Count);
            foreach (var (name, tensor) in tensors)
            {
                if (tensor.dtype != ScalarType.Float32) throw new NotSupportedException($"Tensor {name} is {tensor.dtype}; checkpoints keep float32 tensors only.");
                writer.Write(name);
                writer.Write(tensor.shape.Length);
                foreach (var d in tensor.shape) writer.Write(d);
                writer.Write(MemoryMarshal.AsBytes(tensor.contiguous().data<float>().ToArray().AsSpan()));
            }
        }
        return buffer.ToArray();
    }

    public static Dictionary<string, Tensor> Read(byte[] bytes, string path)
    {
        try
        {
            using var reader = new BinaryReader(new MemoryStream(bytes, writable: false));
            var count = reader.ReadInt32();
            if (count < 0 || count > bytes.Length) throw new InvalidDataException($"{count} tensors");
            var result = new Dictionary<string, Tensor>(count);
            for (var i = 0; i < count; i++)
            {
                var name = reader.ReadString();
                var rank = reader.ReadInt32();
                if (rank is < 0 or > 8) throw new InvalidDataException($"rank {rank}");
                var shape = new long[rank];
                long elements = 1;
                for (var d = 0; d < rank; d++)
                {
                    shape[d] = reader.ReadInt64();
                    if (shape[d] < 0 || (shape[d] > 0 && elements > (bytes.Length - reader.BaseStream.Position) / shape[d])) throw new InvalidDataException($"shape of {name}");
                    elements *= shape[d];
                }
                var values = MemoryMarshal.Cast<byte, float>(reader.ReadBytes(checked((int)(elements * sizeof(float))))).ToArray();
                if (values.Length != elements) throw new InvalidDataException($"values of {name}");
                result[name] = tensor(values, shape);
            }
            return result;
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException or OverflowException or IOException)
        {
            throw new ModelFormatException(path, $"the checkpoint's selected weights are corrupt ({e.Message}). Start afresh or use an older copy.", e);
        }
    }
}

using Google.Protobuf;
using Onnx;

namespace RqVae.Onnx;

/// <summary>
/// An ONNX graph under construction: the <see cref="Features"/> input is declared, builders add constants and
/// nodes, and <see cref="OnnxExporter"/> declares the outputs. Tensor names are made unique here, so builders
/// name what a node computes ("layer0", "distances1") without tracking what is taken.
/// </summary>
/// <remarks>
/// The graph is written with OnnxSharp's generated ONNX protobuf classes (<c>Onnx.GraphProto</c>, <c>NodeProto</c>, …) on
/// Google.Protobuf: the schema is the official onnx.proto compiled once by that package, so no protoc step runs at build
/// time and the bytes written are plain ONNX, read by ONNX Runtime, Python's onnx and every other consumer.
/// </remarks>
public sealed class OnnxGraph
{
    /// <summary>The name of the graph's input, float32 [N, D].</summary>
    public const string Features = "features";

    private readonly HashSet<string> names = [Features];

    /// <summary>Starts a graph whose input is float32 [N, <paramref name="inputDimension"/>], N left free.</summary>
    public OnnxGraph(string name, int inputDimension)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputDimension, 1);
        Proto = new GraphProto { Name = name };
        Proto.Input.Add(ValueInfo(Features, TensorProto.Types.DataType.Float, "N", inputDimension));
        InputDimension = inputDimension;
    }

    /// <summary>The width of each row of <see cref="Features"/>.</summary>
    public int InputDimension { get; }

    /// <summary>The graph as built so far.</summary>
    public GraphProto Proto { get; }

    /// <summary>A float32 constant of shape <paramref name="dims"/> holding <paramref name="values"/> (row-major); returns its name.</summary>
    public string Constant(string name, ReadOnlySpan<float> values, params long[] dims)
    {
        if (values.Length != dims.Aggregate(1L, (a, b) => a * b))
            throw new ArgumentException($"{values.Length} values do not fill a tensor of shape [{string.Join(", ", dims)}].", nameof(values));
        var tensor = new TensorProto { Name = Unique(name), DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(dims);
        // Raw little-endian bytes: exact, compact, and what every reader accepts.
        tensor.RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values));
        Proto.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>An int64 constant of shape [<paramref name="values"/>.Length]; returns its name.</summary>
    public string Int64Constant(string name, params long[] values)
    {
        var tensor = new TensorProto { Name = Unique(name), DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.Add(values.Length);
        tensor.Int64Data.AddRange(values);
        Proto.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>Adds a node of operator <paramref name="op"/> with one output; returns the output's name.</summary>
    public string Node(string op, string output, IEnumerable<string> inputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = Unique(output + "_" + op) };
        node.Input.AddRange(inputs);
        node.Output.Add(Unique(output));
        node.Attribute.AddRange(attributes);
        Proto.Node.Add(node);
        return node.Output[0];
    }

    /// <summary>An integer attribute.</summary>
    public static AttributeProto Attribute(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    /// <summary>A float attribute.</summary>
    public static AttributeProto Attribute(string name, float value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    /// <summary>An integer-list attribute.</summary>
    public static AttributeProto Attribute(string name, long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    /// <summary>Declares <paramref name="tensor"/> as a graph output named <paramref name="name"/> of element type <paramref name="type"/>, shape [N, <paramref name="width"/>].</summary>
    public void Output(string tensor, string name, TensorProto.Types.DataType type, int width)
    {
        var final = tensor == name ? name : Node("Identity", name, [tensor]);
        if (final != name) throw new InvalidOperationException($"The graph already has a tensor named '{name}'.");
        Proto.Output.Add(ValueInfo(name, type, "N", width));
    }

    private string Unique(string name)
    {
        if (names.Add(name)) return name;
        for (var i = 1; ; i++)
        {
            var candidate = $"{name}_{i}";
            if (names.Add(candidate)) return candidate;
        }
    }

    private static ValueInfoProto ValueInfo(string name, TensorProto.Types.DataType type, string rows, long width)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = rows });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = width });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }
}

using System.Globalization;
using Descent.Interop.Onnx.Protobuf;
using Descent.Tensors;
using Google.Protobuf;

namespace Descent.Interop.Onnx;

/// <summary>
/// Accumulates the nodes and initializers of an ONNX graph being exported, with unique value names.
/// </summary>
internal sealed class OnnxGraphWriter(long opset)
{
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private int _counter;

    /// <summary>The opset the graph is written for.</summary>
    public long Opset { get; } = opset;

    public List<NodeProto> Nodes { get; } = [];

    public List<TensorProto> Initializers { get; } = [];

    /// <summary>Reserves <paramref name="name"/> (or a numbered variant) and returns it.</summary>
    public string Unique(string name)
    {
        var candidate = name;
        while (!_names.Add(candidate)) candidate = string.Create(CultureInfo.InvariantCulture, $"{name}_{++_counter}");
        return candidate;
    }

    /// <summary>Adds an initializer holding a copy of <paramref name="value"/> and returns its name.</summary>
    public string Initializer(Tensor value, string name)
    {
        name = Unique(name);
        Initializers.Add(OnnxTensorConverter.FromTensor(value.Detach(), name));
        return name;
    }

    /// <summary>An int64 1-D initializer (shapes, axes).</summary>
    public string Ints(string name, params long[] values) => Initializer(Tensor.FromArray(values), name);

    /// <summary>A scalar initializer of <paramref name="dtype"/>.</summary>
    public string Scalar(string name, double value, DType dtype) => Initializer(Tensor.Scalar(value, dtype), name);

    /// <summary>Adds a node and returns its output names (fresh ones derived from <paramref name="name"/>).</summary>
    public string[] Node(string opType, string name, string?[] inputs, int outputs = 1, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = Unique(name + "/" + opType) };
        node.Input.AddRange(inputs.Select(i => i ?? ""));
        var outs = Enumerable.Range(0, outputs).Select(i => Unique(outputs == 1 ? $"{name}/{opType}_output" : $"{name}/{opType}_output_{i}")).ToArray();
        node.Output.AddRange(outs);
        node.Attribute.AddRange(attributes);
        Nodes.Add(node);
        return outs;
    }

    /// <summary>Adds a one-output node and returns the output name.</summary>
    public string Op(string opType, string name, string?[] inputs, params AttributeProto[] attributes) =>
        Node(opType, name, inputs, 1, attributes)[0];

    /// <summary>Adds an existing node with its value names remapped, keeping its attributes.</summary>
    public void Copy(NodeProto node, IReadOnlyList<string> inputs, IReadOnlyList<string> outputs)
    {
        var copy = node.Clone();
        copy.Name = Unique(string.IsNullOrEmpty(node.Name) ? node.OpType : node.Name);
        copy.Input.Clear();
        copy.Input.AddRange(inputs);
        copy.Output.Clear();
        copy.Output.AddRange(outputs);
        Nodes.Add(copy);
    }

    public static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Float(string name, double value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = (float)value };

    public static AttributeProto Text(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    public static AttributeProto Ints(string name, IEnumerable<long> values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }
}

using System.Globalization;
using Descent.Interop.Onnx.Protobuf;
using Descent.Tensors;

namespace Descent.Interop.Onnx;

/// <summary>
/// One node of an ONNX graph as the importer sees it: op type, value names (an empty name is an omitted optional
/// input) and attributes, with typed attribute readers whose errors name the node.
/// </summary>
internal sealed class OnnxNode
{
    public OnnxNode(NodeProto proto, int index)
    {
        Proto = proto;
        Index = index;
        Name = string.IsNullOrEmpty(proto.Name) ? string.Create(CultureInfo.InvariantCulture, $"{proto.OpType}_{index}") : proto.Name;
        foreach (var a in proto.Attribute) Attributes[a.Name] = a;
    }

    /// <summary>The node as read (kept so functional nodes are exported again verbatim).</summary>
    public NodeProto Proto { get; }

    /// <summary>Position in the graph's node list.</summary>
    public int Index { get; }

    /// <summary>The node's name, or "OpType_index" when the file gives none.</summary>
    public string Name { get; }

    public string OpType => Proto.OpType;

    public IReadOnlyList<string> Inputs => Proto.Input;

    public IReadOnlyList<string> Outputs => Proto.Output;

    public Dictionary<string, AttributeProto> Attributes { get; } = new(StringComparer.Ordinal);

    /// <summary>"node 'Conv_3' (Conv)": how messages name the node.</summary>
    public string Describe() => $"node '{Name}' ({OpType})";

    /// <summary>The input at <paramref name="i"/>, or null when absent or omitted.</summary>
    public string? Input(int i) => i < Inputs.Count && Inputs[i].Length > 0 ? Inputs[i] : null;

    public long Int(string name, long fallback) => Attributes.TryGetValue(name, out var a) ? a.I : fallback;

    /// <summary>
    /// A float attribute as the double its shortest decimal names (0.1f → 0.1), so layers get PyTorch's constructor
    /// values back (ONNX stores float32; PyTorch's export rounded the double it had).
    /// </summary>
    public double Float(string name, float fallback) => Widen(Attributes.TryGetValue(name, out var a) ? a.F : fallback);

    /// <summary>The double named by the shortest decimal that round-trips <paramref name="value"/>.</summary>
    public static double Widen(float value) => double.Parse(value.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    public string Text(string name, string fallback) => Attributes.TryGetValue(name, out var a) ? a.S.ToStringUtf8() : fallback;

    public long[]? Ints(string name) => Attributes.TryGetValue(name, out var a) ? [.. a.Ints] : null;

    public string[]? Texts(string name) => Attributes.TryGetValue(name, out var a) ? [.. a.Strings.Select(s => s.ToStringUtf8())] : null;

    public Tensor? TensorAttribute(string name) =>
        Attributes.TryGetValue(name, out var a) && a.T is not null ? OnnxTensorConverter.ToTensor(a.T, $"{Describe()} attribute '{name}'") : null;

    /// <summary>An error about this node.</summary>
    public OnnxImportException Error(string message) => new($"{Describe()}: {message}");

    /// <summary>Rejects attribute <paramref name="name"/> unless it is absent or equals <paramref name="supported"/>.</summary>
    public void RequireInt(string name, long supported)
    {
        if (Attributes.ContainsKey(name) && Int(name, supported) != supported)
            throw Error($"attribute {name}={Int(name, supported)} is not supported (only {supported}).");
    }
}

using AssemblyInformationalVersionAttribute = System.Reflection.AssemblyInformationalVersionAttribute;
using CustomAttributes = System.Reflection.CustomAttributeExtensions;
using Descent.Interop.Onnx.Protobuf;
using Descent.NN;
using Descent.Serialization;
using Descent.Tensors;
using Descent.Tensors.Autograd;
using Google.Protobuf;

namespace Descent.Interop.Onnx;

/// <summary>Options of <see cref="OnnxExporter"/>.</summary>
public sealed record OnnxExportOptions
{
    /// <summary>Default-domain opset, 13 to 17; null: 13, or the opset an imported graph was read with.</summary>
    public int? Opset { get; init; }

    /// <summary>Name of the graph input.</summary>
    public string InputName { get; init; } = "x";

    /// <summary>Name of the graph output.</summary>
    public string OutputName { get; init; } = "y";

    /// <summary>Element type of the input: Float32 (features, images) or Int64 (token ids of an embedding model).</summary>
    public DType InputDType { get; init; } = DType.Float32;
}

/// <summary>
/// Writes a Descent model as an ONNX file (opset 13–17, ONNX IR 8) in evaluation mode, with a dynamic batch axis named
/// "batch" on the input and output: every preset, YAML layer list, LSTM, self-attention and embedding model, and
/// imported ONNX graphs (see <see cref="OnnxLayerExport"/>). The protobuf encoding is Google.Protobuf's, from the
/// ONNX schema (Interop/Onnx/onnx.proto). Pruned layers export with their current (smaller) shapes.
/// </summary>
public static class OnnxExporter
{
    /// <summary>Lowest supported opset.</summary>
    public const int MinOpset = 13;

    /// <summary>Highest supported opset.</summary>
    public const int MaxOpset = 17;

    /// <summary>Serializes <paramref name="model"/> for inputs of shape [batch, ..<paramref name="inputShape"/>].</summary>
    public static byte[] Export(Module model, IReadOnlyList<int> inputShape, OnnxExportOptions? options = null) =>
        ToModelProto(model, inputShape, options ?? new OnnxExportOptions()).ToByteArray();

    /// <summary>Writes the ONNX file atomically to <paramref name="path"/>.</summary>
    public static void Save(Module model, string path, IReadOnlyList<int> inputShape, OnnxExportOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        AtomicFile.WriteAllBytes(path, Export(model, inputShape, options));
    }

    private static ModelProto ToModelProto(Module model, IReadOnlyList<int> inputShape, OnnxExportOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputShape);
        if (inputShape.Any(d => d < 1)) throw new ArgumentException($"ONNX export: input shape [{string.Join(", ", inputShape)}] must be positive (without the batch axis).", nameof(inputShape));
        int opset = options.Opset ?? (int?)ImportedOpset(model) ?? MinOpset;
        if (opset is < MinOpset or > MaxOpset)
            throw new ArgumentOutOfRangeException(nameof(options), opset, $"ONNX export: opset {opset} is not supported ({MinOpset} to {MaxOpset}).");
        if (options.InputDType is not (DType.Float32 or DType.Float64 or DType.Int64))
            throw new ArgumentException($"ONNX export: input dtype {options.InputDType} is not supported (float32, float64, int64).", nameof(options));

        var modes = model.NamedModules().Select(m => (m.Module, m.Module.Training)).ToList();
        model.Eval();
        try
        {
            using var noGrad = GradMode.Disable();
            var w = new OnnxGraphWriter(opset);
            var input = w.Unique(options.InputName);
            var sample = Tensor.Zeros(new Shape([2, .. inputShape]), options.InputDType);
            var (output, y) = OnnxLayerExport.Emit(w, model, "", input, sample);
            // A second batch size shows which output dimensions follow the batch (they become symbolic).
            var y3 = model.Call(Tensor.Zeros(new Shape([3, .. inputShape]), options.InputDType));
            var outputName = w.Unique(options.OutputName);
            // The last node writes the graph output directly; a model ending in a pass-through layer gets an Identity.
            if (w.Nodes.Count == 0 || w.Nodes[^1].Output.Count != 1 || w.Nodes[^1].Output[0] != output) w.Op("Identity", "output", [output]);
            w.Nodes[^1].Output[0] = outputName;

            var graph = new GraphProto { Name = "descent" };
            graph.Node.AddRange(w.Nodes);
            graph.Initializer.AddRange(w.Initializers);
            graph.Input.Add(ValueInfo(input, options.InputDType, [-1, .. inputShape]));
            graph.Output.Add(ValueInfo(outputName, y.DType, [.. y.Shape.ToArray().Select((d, i) => y3.Rank == y.Rank && y3.Shape[i] != d ? -1 : d)]));
            var proto = new ModelProto
            {
                IrVersion = 8,
                ProducerName = "Descent",
                ProducerVersion = CustomAttributes.GetCustomAttribute<AssemblyInformationalVersionAttribute>(typeof(OnnxExporter).Assembly)?.InformationalVersion.Split('+')[0] ?? "",
                Graph = graph,
            };
            proto.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
            return proto;
        }
        finally
        {
            foreach (var (m, training) in modes) m.Train(training);
        }
    }

    private static long? ImportedOpset(Module model) =>
        model.NamedModules().Select(m => m.Module).OfType<OnnxGraphModule>().Select(g => (long?)g.Opset).FirstOrDefault();

    private static ValueInfoProto ValueInfo(string name, DType dtype, int[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
            shape.Dim.Add(d < 0 ? new TensorShapeProto.Types.Dimension { DimParam = "batch" } : new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)OnnxTensorConverter.ElementType(dtype), Shape = shape } },
        };
    }
}

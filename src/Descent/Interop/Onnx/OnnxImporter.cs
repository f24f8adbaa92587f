using Descent.Interop.Onnx.Protobuf;
using Descent.NN;
using Descent.Tensors;
using Google.Protobuf;

namespace Descent.Interop.Onnx;

/// <summary>
/// Reads an ONNX model (<c>.onnx</c>, e.g. from <c>torch.onnx.export</c> or <see cref="OnnxExporter"/>) into an
/// ordinary Descent model: Gemm/MatMul(+Add) become <see cref="Linear"/>, Conv becomes Conv1d/Conv2d, BatchNormalization,
/// pooling, activations (including the exporter's decomposed GELU, SiLU and Hardswish), Gather on a table
/// (<see cref="Embedding"/>) and LSTM become their layers. A chain of layers is returned as a <see cref="Sequential"/>;
/// any other graph as an <see cref="OnnxGraphModule"/>. Unsupported operators are reported with their node.
/// </summary>
public static class OnnxImporter
{
    /// <summary>Every ONNX operator (default domain) the importer accepts.</summary>
    public static IReadOnlyList<string> SupportedOperators { get; } =
        [.. OnnxLayers.OpTypes.Concat(OnnxFunctions.Kernels.Keys).Concat(["Gemm", "MatMul", "Gather", "Constant", "HardSigmoid"]).Distinct().Order(StringComparer.Ordinal)];

    /// <summary>Imports the model in file <paramref name="path"/>.</summary>
    public static OnnxModel Import(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such ONNX file.", path);
        return Import(File.ReadAllBytes(path), path);
    }

    /// <summary>Imports a serialized ONNX model; <paramref name="source"/> names it in error messages.</summary>
    public static OnnxModel Import(byte[] bytes, string source = "<bytes>")
    {
        ArgumentNullException.ThrowIfNull(bytes);
        ModelProto proto;
        try
        {
            proto = ModelProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new OnnxImportException($"{source}: not a valid ONNX model ({e.Message}).", e);
        }
        if (proto.Graph is null) throw new OnnxImportException($"{source}: the model has no graph.");
        try
        {
            return new OnnxGraphBuilder(proto).Build();
        }
        catch (OnnxImportException e)
        {
            throw new OnnxImportException($"{source}: {e.Message}", e);
        }
    }
}

/// <summary>An imported ONNX model: the Descent module and the graph's input and output signature.</summary>
/// <param name="Model">The module (a <see cref="Sequential"/> or an <see cref="OnnxGraphModule"/>), in evaluation mode.</param>
/// <param name="InputName">Name of the graph input.</param>
/// <param name="InputShape">Input dimensions; −1 for a symbolic one (e.g. the batch).</param>
/// <param name="InputDType">Input element type (Float32, or Int64 for token ids).</param>
/// <param name="OutputName">Name of the graph output.</param>
/// <param name="OutputShape">Output dimensions; −1 for a symbolic one.</param>
/// <param name="Opset">Default-domain opset of the file.</param>
/// <param name="Producer">producer_name and producer_version of the file.</param>
public sealed record OnnxModel(Module Model, string InputName, IReadOnlyList<int> InputShape, DType InputDType,
    string OutputName, IReadOnlyList<int> OutputShape, long Opset, string Producer);

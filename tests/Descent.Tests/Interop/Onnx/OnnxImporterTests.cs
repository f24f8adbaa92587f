using Descent.Interop.Onnx;
using Descent.Interop.Onnx.Protobuf;
using Descent.NN;
using Descent.Tensors;
using Descent.Tensors.Autograd;
using Google.Protobuf;
using static Descent.Interop.Onnx.OnnxGraphWriter;

namespace Descent.Tests.Interop.Onnx;

/// <summary>
/// The importer on hand-made graphs: errors name the node and list the supported operators; opset-dependent forms
/// (attribute vs input axes, pre-13 Softmax) follow ONNX; tensors of every stored type read back exactly.
/// </summary>
public class OnnxImporterTests
{
    /// <summary>A one-input model [batch, ..dims] float32 → output "y" from <paramref name="build"/>'s nodes.</summary>
    private static byte[] Model(long opset, int[] dims, Action<OnnxGraphWriter> build, string input = "x")
    {
        var w = new OnnxGraphWriter(opset);
        w.Unique(input);
        build(w);
        w.Nodes[^1].Output[0] = "y";
        var graph = new GraphProto { Name = "test" };
        graph.Node.AddRange(w.Nodes);
        graph.Initializer.AddRange(w.Initializers);
        graph.Input.Add(Info(input, [-1, .. dims]));
        graph.Output.Add(Info("y", [-1]));
        var model = new ModelProto { IrVersion = 8, Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        return model.ToByteArray();
    }

    private static ValueInfoProto Info(string name, int[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims) shape.Dim.Add(d < 0 ? new TensorShapeProto.Types.Dimension { DimParam = "batch" } : new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1, Shape = shape } } };
    }

    private static Tensor Run(byte[] model, Tensor x)
    {
        using var _ = GradMode.Disable();
        return OnnxImporter.Import(model).Model.Call(x);
    }

    [Fact]
    public void AnUnsupportedOperatorIsNamedWithItsNodeAndTheSupportedList()
    {
        var bytes = Model(13, [4], w => w.Op("Relu", "a", [w.Op("Celu", "mystery", ["x"])]));
        var e = Assert.Throws<OnnxImportException>(() => OnnxImporter.Import(bytes, "net.onnx"));
        Assert.StartsWith("net.onnx: node 'mystery/Celu' (Celu): operator Celu is not supported. Supported operators: ", e.Message, StringComparison.Ordinal);
        foreach (var op in new[] { "Gemm", "Conv", "LSTM", "BatchNormalization", "Reshape" }) Assert.Contains(op, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GraphsOutsideTheModelShapeAreRejectedClearly()
    {
        Assert.Contains("not a valid ONNX model", Assert.Throws<OnnxImportException>(() => OnnxImporter.Import([0x0a, 0xff, 0xff, 0x01], "bad.onnx")).Message);
        var twoInputs = ModelProto.Parser.ParseFrom(Model(13, [4], w => w.Op("Add", "add", ["x", "z"])));
        twoInputs.Graph.Input.Add(Info("z", [-1, 4]));
        Assert.Contains("the graph has 2 inputs (x, z)", Assert.Throws<OnnxImportException>(() => OnnxImporter.Import(twoInputs.ToByteArray())).Message);
        var custom = ModelProto.Parser.ParseFrom(Model(13, [4], w => w.Op("Relu", "r", ["x"])));
        custom.Graph.Node[0].Domain = "com.example";
        Assert.Contains("domain 'com.example'", Assert.Throws<OnnxImportException>(() => OnnxImporter.Import(custom.ToByteArray())).Message);
        var asymmetric = Model(13, [1, 5, 5], w => w.Op("Conv", "c", ["x", w.Initializer(Tensor.Ones(1, 1, 3, 3), "w")], Ints("pads", [0, 0, 1, 1])));
        Assert.Contains("node 'c/Conv' (Conv): asymmetric pads [0, 0, 1, 1]", Assert.Throws<OnnxImportException>(() => OnnxImporter.Import(asymmetric)).Message);
    }

    [Fact]
    public void AxesComeFromAttributesBeforeOpset13AndFromInputsAfter()
    {
        var x = Tensor.Randn(new Shape(2, 3, 4), DType.Float32, new Generator(1));
        var v11 = Model(11, [3, 4], w => w.Op("Squeeze", "s", [w.Op("Unsqueeze", "u", ["x"], Ints("axes", [1, -1]))], Ints("axes", [1])));
        var v13 = Model(13, [3, 4], w => w.Op("Squeeze", "s", [w.Op("Unsqueeze", "u", ["x", w.Ints("ua", 1, -1)]), w.Ints("sa", 1)]));
        Assert.Equal(new Shape(2, 3, 4, 1), Run(v11, x).Shape);
        Assert.Equal(x.ToDoubleArray(), Run(v13, x).ToDoubleArray());
        var sliced = Model(13, [3, 4], w => w.Op("Slice", "s", ["x", w.Ints("st", 1, -3), w.Ints("en", long.MaxValue, -1), w.Ints("ax", 1, 2)]));
        Assert.Equal(x.Narrow(1, 1, 2).Narrow(2, 1, 2).ToDoubleArray(), Run(sliced, x).ToDoubleArray());
        var reduced = Model(13, [3, 4], w => w.Op("ReduceMean", "m", ["x"], Ints("axes", [-1]), Int("keepdims", 0)));
        Assert.Equal(x.Mean(2).ToDoubleArray(), Run(reduced, x).ToDoubleArray());
    }

    [Fact]
    public void SoftmaxBeforeOpset13NormalizesTheFlattenedTrailingBlock()
    {
        var x = Tensor.Randn(new Shape(2, 3, 4), DType.Float32, new Generator(2));
        var y = Run(Model(11, [3, 4], w => w.Op("Softmax", "s", ["x"], Int("axis", 1))), x);
        Assert.Equal(x.Reshape(2, 12).Softmax(1).ToDoubleArray(), y.ToDoubleArray());
        var y13 = Run(Model(13, [3, 4], w => w.Op("Softmax", "s", ["x"], Int("axis", 1))), x);
        Assert.Equal(x.Softmax(1).ToDoubleArray(), y13.ToDoubleArray());
    }

    [Fact]
    public void ChainsOfLayersBecomeSequentialAndOtherGraphsKeepTheirParameters()
    {
        var weight = Tensor.Randn(new Shape(4, 3), DType.Float32, new Generator(3));
        var chain = OnnxImporter.Import(Model(13, [4], w => w.Op("Relu", "r", [w.Op("MatMul", "mm", ["x", w.Initializer(weight, "fc.weight")])])));
        var seq = Assert.IsType<Sequential>(chain.Model);
        Assert.IsType<Linear>(seq[0]);
        Assert.Equal(["0.weight"], seq.StateDict().Keys);
        var scale = Tensor.Randn(new Shape(4), DType.Float32, new Generator(4));
        var graph = OnnxImporter.Import(Model(13, [4], w => w.Op("Add", "res", ["x", w.Op("Mul", "m", ["x", w.Initializer(scale, "norm.weight")])])));
        var module = Assert.IsType<OnnxGraphModule>(graph.Model);
        var p = Assert.Single(module.NamedParameters());
        Assert.Equal("norm_weight", p.Name);
        Assert.True(p.Parameter.RequiresGrad);
        var x = Tensor.Randn(new Shape(2, 4), DType.Float32, new Generator(5));
        using (GradMode.Disable()) Assert.Equal((x + x * scale).ToDoubleArray(), module.Call(x).ToDoubleArray());
    }

    [Fact]
    public void DecomposedLayerNormsBecomeLayerNormLayers()
    {
        var gamma = Tensor.Rand(new Shape(2, 3), DType.Float32, new Generator(7)) + 0.5;
        var beta = Tensor.Randn(new Shape(2, 3), DType.Float32, new Generator(8));
        var bytes = Model(13, [4, 2, 3], w =>
        {
            var axes = Ints("axes", [-2, -1]);
            var mean = w.Op("ReduceMean", "ln", ["x"], axes);
            var d = w.Op("Sub", "ln", ["x", mean]);
            var variance = w.Op("ReduceMean", "ln", [w.Op("Pow", "ln", [d, w.Scalar("two", 2, DType.Float32)])], axes);
            var y = w.Op("Div", "ln", [d, w.Op("Sqrt", "ln", [w.Op("Add", "ln", [variance, w.Scalar("eps", 1e-3, DType.Float32)])])]);
            w.Op("Add", "ln", [w.Op("Mul", "ln", [y, w.Initializer(gamma, "norm.weight")]), w.Initializer(beta, "norm.bias")]);
        });
        var seq = Assert.IsType<Sequential>(OnnxImporter.Import(bytes).Model);
        var ln = Assert.IsType<LayerNorm>(Assert.Single(seq.Layers));
        Assert.Equal([2, 3], ln.NormalizedShape);
        Assert.Equal(1e-3, ln.Eps, 1e-9);
        var x = Tensor.Randn(new Shape(5, 4, 2, 3), DType.Float32, new Generator(9));
        using (GradMode.Disable())
            OnnxRuntimeCheck.AssertClose(seq.Call(x), new LayerNorm([2, 3], 1e-3).Call(x) * gamma + beta, "fused LayerNorm", 1e-5, 1e-5);
    }

    [Fact]
    public void TensorsOfEveryStoredTypeReadBack()
    {
        var f16 = new TensorProto { Name = "h", DataType = (int)TensorProto.Types.DataType.Float16, RawData = ByteString.CopyFrom(BitConverter.GetBytes(BitConverter.HalfToUInt16Bits((Half)1.5))) };
        f16.Dims.Add(1);
        Assert.Equal([1.5], OnnxTensorConverter.ToTensor(f16, "t").ToDoubleArray());
        var bf16 = new TensorProto { Name = "b", DataType = (int)TensorProto.Types.DataType.Bfloat16, RawData = ByteString.CopyFrom([0x40, 0xC0]) };
        bf16.Dims.Add(1);
        Assert.Equal([-3.0], OnnxTensorConverter.ToTensor(bf16, "t").ToDoubleArray());
        var typed = new TensorProto { Name = "i", DataType = (int)TensorProto.Types.DataType.Int32 };
        typed.Dims.Add(2);
        typed.Int32Data.AddRange([7, -2]);
        var i = OnnxTensorConverter.ToTensor(typed, "t");
        Assert.Equal(DType.Int64, i.DType);
        Assert.Equal([7.0, -2.0], i.ToDoubleArray());
        foreach (var t in new[] { Tensor.Randn(new Shape(2, 3), DType.Float64, new Generator(6)), Tensor.FromArray([1L, -5L, long.MaxValue]), Tensor.FromArray([true, false]) })
            Assert.Equal(t.ToDoubleArray(), OnnxTensorConverter.ToTensor(OnnxTensorConverter.FromTensor(t, "v"), "t").ToDoubleArray());
        var shortRaw = new TensorProto { Name = "s", DataType = 1, RawData = ByteString.CopyFrom(new byte[6]) };
        shortRaw.Dims.Add(2);
        Assert.Contains("has 6 bytes of raw data; its shape needs 8", Assert.Throws<OnnxImportException>(() => OnnxTensorConverter.ToTensor(shortRaw, "init")).Message);
    }
}

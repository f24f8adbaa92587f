using Descent.Compression.Quantization;
using Descent.Experiments;
using Descent.NN;
using Descent.Tensors;
using Descent.Tensors.Autograd;

namespace Descent.Tests.Compression.Quantization;

/// <summary>
/// Int8Linking: adjacent int8 layers hand uint8 activations over (requantized in the epilogue, NHWC for images) with
/// max-pooling and flatten in int8 between them. Where only those sit between two layers, linking changes no number
/// (the next layer would quantize the float output with the same parameters and rounding), so the linked model must
/// equal the same model with its links undone, bit for bit; residual blocks become QuantizedResidual and stay close to
/// float; the state dict keeps its names; and a uint8 tensor reaching a layer that was not linked is a clear error.
/// </summary>
public class Int8LinkingTests
{
    private static IEnumerable<Tensor> Batches(int count, Shape shape, int seed)
    {
        var g = new Generator(seed);
        for (int i = 0; i < count; i++) yield return Tensor.Rand(shape, generator: g);
    }

    private static Module Quantized(string preset, int minConvChannels)
    {
        var model = ModelPresets.Create(preset, generator: new Generator(3));
        model.Train();
        using (GradMode.Disable())
            foreach (var batch in Batches(2, new Shape(16, 1, 28, 28), 4)) model.Call(batch);
        model.Eval();
        return Quantizer.QuantizeStatic(model, Batches(3, new Shape(16, 1, 28, 28), 5), new QuantizationOptions(MinConvChannels: minConvChannels)).Model;
    }

    private static void Unlink(Module model)
    {
        foreach (var (_, m) in model.NamedModules())
            if (m is StaticQuantizedModule q)
            {
                q.OutputConsumer = null;
                q.TakesInt8Input = false;
            }
    }

    [Theory]
    [InlineData("lenet5", 1, 4)]
    [InlineData("lenet5", 16, 3)]
    [InlineData("cnn-small", 16, 4)]
    [InlineData("mlp", 16, 2)]
    public void LinkedModelsEqualTheirUnlinkedSelvesBitForBit(string preset, int minConvChannels, int links)
    {
        var linked = Quantized(preset, minConvChannels);
        var unlinked = Quantized(preset, minConvChannels);
        Unlink(unlinked);
        Assert.Equal(links, linked.NamedModules().Count(m => m.Module is StaticQuantizedModule { OutputQuantization: not null }));
        Assert.Equal(links, linked.NamedModules().Count(m => m.Module is StaticQuantizedModule { TakesInt8Input: true }));
        if (preset != "mlp") Assert.Contains(linked.NamedModules(), m => m.Module is QuantizedMaxPool2d);
        Assert.Equal(unlinked.StateDict().Keys, linked.StateDict().Keys);
        var x = Tensor.Rand(new Shape(7, 1, 28, 28), generator: new Generator(11));
        using var _ = GradMode.Disable();
        var a = linked.Call(x);
        var b = unlinked.Call(x);
        Assert.Equal(DType.Float32, a.DType);
        Assert.Equal(b.Shape, a.Shape);
        Assert.Equal(b.ToArray<float>(), a.ToArray<float>());
        // Relinking is idempotent: links already made are found again, nothing else changes.
        Int8Linking.Link(linked);
        Assert.Equal(b.ToArray<float>(), linked.Call(x).ToArray<float>());
    }

    [Fact]
    public void SuspendedLinksLeaveEveryLayerFloatInFloatOutAndComeBackOnDispose()
    {
        var model = Quantized("cnn-small", 16);
        int Links() => model.NamedModules().Count(m => m.Module is StaticQuantizedModule { OutputQuantization: not null } or StaticQuantizedModule { TakesInt8Input: true });
        int before = Links();
        Assert.True(before > 0);
        var x = Tensor.Rand(new Shape(3, 1, 28, 28), generator: new Generator(12));
        using var _ = GradMode.Disable();
        var linkedOutput = model.Call(x).ToArray<float>();
        using (Int8Linking.Suspend(model))
        {
            Assert.Equal(0, Links());
            // Each int8 layer now returns float32: what LayerQuantizationError compares with the float layer.
            var first = model.NamedModules().First(m => m.Module is QuantizedConv2d).Module;
            Assert.Equal(DType.Float32, first.Call(x).DType);
            Assert.Equal(linkedOutput, model.Call(x).ToArray<float>());   // max-pool/flatten only between the layers
        }
        Assert.Equal(before, Links());
        Assert.Equal(linkedOutput, model.Call(x).ToArray<float>());
    }

    [Fact]
    public void ResidualBlocksRunInt8AndStayCloseToFloat()
    {
        var model = ModelPresets.Create("resnet-small", generator: new Generator(3));
        model.Train();
        using (GradMode.Disable())
            foreach (var batch in Batches(2, new Shape(16, 1, 28, 28), 4)) model.Call(batch);
        model.Eval();
        var x = Tensor.Rand(new Shape(9, 1, 28, 28), generator: new Generator(12));
        Tensor reference;
        using (GradMode.Disable()) reference = model.Call(x);
        var q = Quantizer.QuantizeStatic(model, Batches(3, new Shape(16, 1, 28, 28), 5).Append(x)).Model;
        var blocks = q.NamedModules().Select(m => m.Module).OfType<QuantizedResidual>().ToList();
        Assert.Equal(3, blocks.Count);
        // The stem convolution and the first two blocks hand uint8 on; the last block ends the run (average pooling follows).
        Assert.NotNull(blocks[0].OutputQuantization);
        Assert.NotNull(blocks[1].OutputQuantization);
        Assert.Null(blocks[2].OutputQuantization);
        Assert.True(blocks[0].TakesInt8Input && blocks[1].TakesInt8Input && blocks[2].TakesInt8Input);
        Assert.Contains("3.body.0.weight", q.StateDict().Keys);
        Assert.Contains("5.shortcut.0.weight", q.StateDict().Keys);
        Tensor y;
        using (GradMode.Disable()) y = q.Call(x);
        var r = reference.ToDoubleArray();
        var v = y.ToDoubleArray();
        double error = Math.Sqrt(r.Zip(v).Sum(p => (p.First - p.Second) * (p.First - p.Second)) / r.Sum(t => t * t));
        Assert.True(error < 0.1, $"resnet-small int8 differs from float32 by {error:P2} (relative L2)");
    }

    [Fact]
    public void AUint8TensorReachingAnUnlinkedLayerIsAClearError()
    {
        var model = Quantized("lenet5", 16);
        var conv = model.NamedModules().Select(m => m.Module).OfType<QuantizedConv2d>().First();
        var linear = model.NamedModules().Select(m => m.Module).OfType<QuantizedLinear>().Last();
        var bytes = Tensor.Zeros(new Shape(2, 12, 12, 6), DType.UInt8);
        Assert.False(conv.TakesInt8Input);
        Assert.Contains("linked int8 layer", Assert.Throws<ArgumentException>(() => conv.Call(bytes)).Message);
        Assert.True(linear.TakesInt8Input);
        Assert.Contains("in_features", Assert.Throws<ArgumentException>(() => linear.Call(Tensor.Zeros(new Shape(2, 3), DType.UInt8))).Message);
    }
}

using Descent.Compression.Quantization;
using Descent.Experiments;
using Descent.NN;
using Descent.Tensors;
using Descent.Tensors.Autograd;

namespace Descent.Tests.Compression.Quantization;

/// <summary>Quantizer.QuantizeDynamic: which layers become int8, which stay float (with the reason), and that the converted model agrees with the float one.</summary>
public class QuantizerTests
{
    [Fact]
    public void MlpLinearsBecomeInt8AndPredictionsAgree()
    {
        var model = ModelPresets.Create("mlp", generator: new Generator(5));
        model.Eval();
        var result = Quantizer.QuantizeDynamic(model, perChannel: true);
        Assert.Equal(["1", "3", "5"], result.Converted.Select(l => l.Path));
        Assert.All(result.Converted, l => Assert.Equal(("Linear", "DynamicQuantizedLinear"), (l.From, l.To)));
        Assert.Empty(result.KeptFloat);
        Assert.False(result.Model.Training);
        var x = Tensor.Rand(new Shape(64, 1, 28, 28), generator: new Generator(6));
        using var _ = GradMode.Disable();
        var f = model.Call(x);
        var q = result.Model.Call(x);
        Assert.Equal(f.Shape, q.Shape);
        var fa = f.Argmax(1).ToDoubleArray();
        var qa = q.Argmax(1).ToDoubleArray();
        Assert.True(fa.Zip(qa).Count(p => p.First == p.Second) >= 60, "int8 and float32 top-1 agree on at least 60 of 64 inputs");
        // Linear→ReLU pairs are fused and the ReLU slots become Identity; the original model is untouched.
        var converted = (Sequential)result.Model;
        Assert.True(((DynamicQuantizedLinear)converted[1]).Relu && ((DynamicQuantizedLinear)converted[3]).Relu);
        Assert.False(((DynamicQuantizedLinear)converted[5]).Relu);
        Assert.IsType<Identity>(converted[2]);
        Assert.IsType<Linear>(((Sequential)model)[1]);
        Assert.IsType<ReLU>(((Sequential)model)[2]);
    }

    [Fact]
    public void LayersOutsideTheDynamicPathStayFloatWithANote()
    {
        var model = ModelPresets.Create("lenet5", generator: new Generator(1));
        var result = Quantizer.QuantizeDynamic(model);
        Assert.Equal(["7", "9", "11"], result.Converted.Select(l => l.Path));
        var kept = result.KeptFloat.ToList();
        Assert.Equal(["0", "3"], kept.Select(l => l.Path));
        Assert.All(kept, l => Assert.Contains("covers Linear and LSTM layers; Conv2d stays float", l.Note));
        var x = Tensor.Rand(new Shape(2, 1, 28, 28));
        using var _ = GradMode.Disable();
        Assert.Equal(new Shape(2, 10), result.Model.Call(x).Shape);
    }
}

using Descent.NN;
using Descent.Tensors;
using Descent.Tensors.Autograd;

namespace Descent.Tests.NN;

/// <summary>Parameter masks (Module.Masks.cs): masked forward and gradient, state dict, baking in, refusals.</summary>
public class ModuleMasksTests
{
    private static Tensor Mask(Shape shape, int seed)
    {
        var g = new Generator(seed);
        var data = new double[shape.Numel];
        for (int i = 0; i < data.Length; i++) data[i] = g.NextDouble() < 0.5 ? 0 : 1;
        return Tensor.FromArray(data, [.. shape.ToArray()]);
    }

    [Fact]
    public void AMaskedLinearComputesWithTheZeroedWeightAndMasksTheGradient()
    {
        var layer = new Linear(5, 4, dtype: DType.Float64, generator: new Generator(1));
        var reference = layer.Keep();
        var mask = Mask(layer.Weight.Shape, 2);
        var biasMask = Tensor.FromArray([1.0, 0, 1, 0], 4);
        layer.SetParameterMask("weight", mask);
        layer.SetParameterMask("bias", biasMask);
        using (GradMode.Disable())
        {
            reference.Weight.CopyFrom(reference.Weight * mask);
            reference.Bias!.CopyFrom(reference.Bias * biasMask);
        }
        var x = Tensor.Randn(new Shape(3, 5), DType.Float64, new Generator(3));
        Assert.Equal(reference.Call(x).ToDoubleArray(), layer.Call(x).ToDoubleArray());

        layer.Call(x).Sum().Backward();
        var grad = layer.Weight.Grad!.ToDoubleArray();
        var m = mask.ToDoubleArray();
        Assert.Contains(m, v => v == 0);
        for (int i = 0; i < m.Length; i++)
            if (m[i] == 0) Assert.Equal(0, grad[i]);
        Assert.Equal(0, layer.Bias!.Grad!.ToDoubleArray()[1]);
        Assert.NotEqual(0, layer.Bias.Grad.ToDoubleArray()[0]);
    }

    [Fact]
    public void MaskedLayersGradCheck()
    {
        var linear = new Linear(3, 2, dtype: DType.Float64, generator: new Generator(4));
        linear.SetParameterMask("weight", Mask(linear.Weight.Shape, 5));
        var x = Tensor.Randn(new Shape(2, 3), DType.Float64, new Generator(6)).RequiresGradInPlace();
        GradCheck.Assert(t => linear.Call(t[0]), [x, .. linear.Parameters()]);

        var conv = new Conv2d(2, 3, (2, 2), dtype: DType.Float64, generator: new Generator(7));
        conv.SetParameterMask("weight", Mask(conv.Weight.Shape, 8));
        conv.SetParameterMask("bias", Tensor.FromArray([0.0, 1, 1], 3));
        var image = Tensor.Randn(new Shape(1, 2, 3, 3), DType.Float64, new Generator(9)).RequiresGradInPlace();
        GradCheck.Assert(t => conv.Call(t[0]), [image, .. conv.Parameters()]);

        var conv1d = new Conv1d(2, 2, 2, dtype: DType.Float64, generator: new Generator(10));
        conv1d.SetParameterMask("weight", Mask(conv1d.Weight.Shape, 11));
        var sequence = Tensor.Randn(new Shape(1, 2, 4), DType.Float64, new Generator(12)).RequiresGradInPlace();
        GradCheck.Assert(t => conv1d.Call(t[0]), [sequence, .. conv1d.Parameters()]);
    }

    [Fact]
    public void TheMaskIsAPersistentBufferAndRemovingItBakesItIn()
    {
        var model = new Sequential(new Linear(3, 2, dtype: DType.Float64, generator: new Generator(1)), new ReLU());
        var layer = (Linear)model[0];
        var original = layer.Weight.ToDoubleArray();
        var mask = Tensor.FromArray([1.0, 0, 1, 0, 1, 1], 2, 3);
        layer.SetParameterMask("weight", mask);
        Assert.Equal(["0.weight", "0.bias", "0.weight_mask"], model.StateDict().Keys);
        Assert.Equal(original, layer.Weight.ToDoubleArray());   // the parameter keeps its values (PyTorch's weight_orig)
        Assert.Equal(["weight"], layer.MaskedParameters);

        // Pruning again replaces the values of the same buffer.
        var buffer = layer.GetParameterMask("weight");
        layer.SetParameterMask("weight", Tensor.FromArray([1.0, 0, 0, 0, 1, 1], 2, 3));
        Assert.Same(buffer, layer.GetParameterMask("weight"));
        Assert.Equal([1.0, 0, 0, 0, 1, 1], buffer!.ToDoubleArray());

        layer.RemoveParameterMask("weight");
        Assert.Equal(["0.weight", "0.bias"], model.StateDict().Keys);
        Assert.Null(layer.GetParameterMask("weight"));
        Assert.Equal([original[0], 0, 0, 0, original[4], original[5]], layer.Weight.ToDoubleArray());
        Assert.True(layer.Weight.IsLeaf && layer.Weight.RequiresGrad);
    }

    [Fact]
    public void BadMasksAreRefusedNamingTheLayerAndParameter()
    {
        var linear = new Linear(3, 2, bias: false);
        Assert.Contains("'bias' cannot be masked (maskable: weight)",
            Assert.Throws<ArgumentException>(() => linear.SetParameterMask("bias", Tensor.Ones(2))).Message);
        Assert.Contains("maskable: none",
            Assert.Throws<ArgumentException>(() => new BatchNorm1d(2).SetParameterMask("weight", Tensor.Ones(2))).Message);
        Assert.Contains("mask shape [3, 2] differs from parameter 'weight' shape [2, 3]",
            Assert.Throws<ArgumentException>(() => linear.SetParameterMask("weight", Tensor.Ones(3, 2))).Message);
        Assert.Contains("holds 0.5",
            Assert.Throws<ArgumentException>(() => linear.SetParameterMask("weight", Tensor.Full(new Shape(2, 3), 0.5))).Message);
        Assert.Contains("is not masked", Assert.Throws<ArgumentException>(() => linear.RemoveParameterMask("weight")).Message);
        linear.SetParameterMask("weight", Tensor.Ones(2, 3));
        Assert.Contains("RemoveParameterMask", Assert.Throws<InvalidOperationException>(() => linear.Keep([0])).Message);
        var conv = new Conv2d(2, 2, (1, 1));
        conv.SetParameterMask("weight", Tensor.Ones(2, 2, 1, 1));
        Assert.Throws<InvalidOperationException>(() => conv.Keep([0]));
    }
}

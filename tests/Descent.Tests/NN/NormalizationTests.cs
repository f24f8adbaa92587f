using Descent.NN;
using Descent.Tensors;
using Descent.Tensors.Autograd;

namespace Descent.Tests.NN;

public class NormalizationTests
{
    private static Tensor R(int seed, params int[] shape) => Tensor.Randn(new Shape(shape), DType.Float64, new Generator(seed));

    [Fact]
    public void BatchNormGradChecksInTrainingAndEvaluation()
    {
        foreach (bool training in new[] { true, false })
        {
            var bn = new BatchNorm2d(3, dtype: DType.Float64);
            bn.Train(training);
            using (GradMode.Disable())
            {
                bn.Weight!.CopyFrom(R(1, 3));
                bn.Bias!.CopyFrom(R(2, 3));
                bn.RunningVar!.CopyFrom(R(3, 3).Abs() + 0.5);
            }
            var x = R(4, 2, 3, 2, 3).RequiresGradInPlace();
            GradCheck.Assert(t => bn.Call(t[0]), [x, bn.Weight!, bn.Bias!]);
        }
    }

    [Fact]
    public void CumulativeMomentumAveragesTheBatches()
    {
        var bn = new BatchNorm1d(2, momentum: null, dtype: DType.Float64);
        var a = R(5, 8, 2);
        var b = R(6, 8, 2) * 3.0;
        bn.Call(a);
        bn.Call(b);
        for (int c = 0; c < 2; c++)
        {
            double ma = Enumerable.Range(0, 8).Average(i => a[i, c]), mb = Enumerable.Range(0, 8).Average(i => b[i, c]);
            Assert.Equal((ma + mb) / 2, bn.RunningMean![c], 12);
        }
        Assert.Equal(2, bn.NumBatchesTracked!.Item());
    }

    [Fact]
    public void WithoutRunningStatsEvaluationStillUsesTheBatch()
    {
        var bn = new BatchNorm1d(3, affine: false, trackRunningStats: false, dtype: DType.Float64);
        Assert.Empty(bn.StateDict().Keys);
        bn.Eval();
        var y = bn.Call(R(7, 10, 3));
        for (int c = 0; c < 3; c++)
            Assert.Equal(0, Enumerable.Range(0, 10).Average(i => y[i, c]), 12);
    }

    [Fact]
    public void EvaluationUsesRunningStatisticsAndLeavesThemAlone()
    {
        var bn = new BatchNorm1d(2, dtype: DType.Float64);
        using (GradMode.Disable())
        {
            bn.RunningMean!.CopyFrom(Tensor.FromArray([1.0, -2], 2));
            bn.RunningVar!.CopyFrom(Tensor.FromArray([4.0, 0.25], 2));
        }
        bn.Eval();
        var y = bn.Call(Tensor.FromArray(new double[,] { { 3, -1 } }));
        Assert.Equal(2 / Math.Sqrt(4 + 1e-5), y[0, 0], 12);
        Assert.Equal(1 / Math.Sqrt(0.25 + 1e-5), y[0, 1], 12);
        Assert.Equal([1.0, -2], bn.RunningMean!.ToDoubleArray());
        Assert.Equal(0, bn.NumBatchesTracked!.Item());
    }

    [Fact]
    public void ShapeErrorsNameTheLayerAndShape()
    {
        var e = Assert.Throws<ArgumentException>(() => new BatchNorm2d(3).Call(Tensor.Zeros(2, 3, 4)));
        Assert.Contains("BatchNorm2d: expected 4D input (got 3D input [2, 3, 4])", e.Message);
        var c = Assert.Throws<ArgumentException>(() => new BatchNorm1d(3).Call(Tensor.Zeros(2, 4)));
        Assert.Contains("expected 3 channels", c.Message);
        var one = Assert.Throws<ArgumentException>(() => new BatchNorm1d(3).Call(Tensor.Zeros(1, 3)));
        Assert.Contains("more than 1 value per channel", one.Message);
        var ln = Assert.Throws<ArgumentException>(() => new LayerNorm(5).Call(Tensor.Zeros(2, 4)));
        Assert.Contains("normalized_shape [5]", ln.Message);
    }

    [Fact]
    public void LayerNormGradChecksWithAndWithoutAffine()
    {
        var ln = new LayerNorm([3, 2], dtype: DType.Float64);
        using (GradMode.Disable())
        {
            ln.Weight!.CopyFrom(R(8, 3, 2));
            ln.Bias!.CopyFrom(R(9, 3, 2));
        }
        var x = R(10, 4, 3, 2).RequiresGradInPlace();
        GradCheck.Assert(t => ln.Call(t[0]), [x, ln.Weight!, ln.Bias!]);
        var plain = new LayerNorm(4, elementwiseAffine: false, dtype: DType.Float64);
        GradCheck.Assert(t => plain.Call(t[0]), [R(11, 3, 4).RequiresGradInPlace()]);
    }

    [Fact]
    public void Float32AgreesWithFloat64()
    {
        var x = R(12, 16, 4, 3, 3) * 3.0 + 7.0;
        var b64 = new BatchNorm2d(4, dtype: DType.Float64);
        var b32 = new BatchNorm2d(4);
        var y64 = b64.Call(x).ToDoubleArray();
        var y32 = b32.Call(x.To(DType.Float32)).ToDoubleArray();
        for (int i = 0; i < y64.Length; i++) Assert.True(Math.Abs(y64[i] - y32[i]) < 1e-5, $"{i}: {y32[i]} vs {y64[i]}");
        for (int c = 0; c < 4; c++) Assert.True(Math.Abs(b64.RunningVar![c] - b32.RunningVar![c]) < 1e-5 * b64.RunningVar![c]);
    }
}

public class ActivationTests
{
    private static Tensor R(int seed, params int[] shape) => Tensor.Randn(new Shape(shape), DType.Float64, new Generator(seed));

    public static TheoryData<string> Names => new() { "relu", "leaky", "elu", "selu", "silu", "hardswish", "gelu", "gelu_tanh", "prelu", "swish", "sigmoid", "tanh", "softplus" };

    private static Module Make(string name) => name switch
    {
        "relu" => new ReLU(),
        "leaky" => new LeakyReLU(0.2),
        "elu" => new ELU(0.7),
        "selu" => new SELU(),
        "silu" => new SiLU(),
        "hardswish" => new Hardswish(),
        "gelu" => new GELU(),
        "gelu_tanh" => new GELU(GeluApproximation.Tanh),
        "prelu" => new PReLU(3, 0.3, DType.Float64),
        "swish" => new Swish(1.3, dtype: DType.Float64),
        "sigmoid" => new Sigmoid(),
        "tanh" => new Tanh(),
        _ => new Softplus(2, 3),
    };

    [Theory]
    [MemberData(nameof(Names))]
    public void BackwardGradChecks(string name)
    {
        var m = Make(name);
        var x = (R(1, 4, 3, 5) * 2.5).RequiresGradInPlace();
        GradCheck.Assert(t => m.Call(t[0]), [x, .. m.Parameters()]);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void LargeInputsUseTheParallelPathConsistently(string name)
    {
        var m = Make(name);
        var x = R(2, 2, 3, 20000) * 3.0;
        var y = m.Call(x).ToDoubleArray();
        var small = m.Call(x.Narrow(0, 1, 1)).ToDoubleArray();
        for (int i = 0; i < small.Length; i++) Assert.Equal(y[small.Length + i], small[i]);
    }

    [Fact]
    public void PreluChecksChannels()
    {
        var e = Assert.Throws<ArgumentException>(() => new PReLU(3).Call(Tensor.Zeros(2, 4)));
        Assert.Contains("prelu", e.Message);
        Assert.Contains("[2, 4]", e.Message);
    }
}

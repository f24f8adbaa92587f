using Descent.Compression.Quantization;
using Descent.NN;
using Descent.Tensors;
using Descent.Tensors.Autograd;

namespace Descent.Tests.Compression.Quantization;

/// <summary>
/// BatchNormFolding: the folded model computes what the float model computes in evaluation mode (float64, to
/// rounding), for Conv2d→BatchNorm2d, Linear→BatchNorm1d, "same" padding and the residual block; BatchNorm slots become
/// Identity; pairs that cannot be folded are left alone.
/// </summary>
public class BatchNormFoldingTests
{
    /// <summary>Gives every BatchNorm of <paramref name="model"/> non-trivial statistics and affine parameters.</summary>
    private static void Randomize(Module model, int seed)
    {
        var random = new Random(seed);
        foreach (var (_, m) in model.NamedModules())
        {
            if (m is not BatchNorm bn) continue;
            foreach (var t in new[] { bn.RunningMean, bn.RunningVar, bn.Weight, bn.Bias })
            {
                if (t is null) continue;
                var span = t.Span<double>();
                bool positive = ReferenceEquals(t, bn.RunningVar) || ReferenceEquals(t, bn.Weight);
                for (int i = 0; i < span.Length; i++) span[i] = positive ? 0.3 + random.NextDouble() * 2 : random.NextDouble() * 2 - 1;
            }
        }
    }

    private static void AssertSameOutput(Module model, Tensor x, Func<IReadOnlyList<string>> fold, IReadOnlyList<string> expectedPaths)
    {
        model.Eval();
        using var _ = GradMode.Disable();
        var before = model.Call(x).ToDoubleArray();
        Assert.Equal(expectedPaths, fold());
        var after = model.Call(x).ToDoubleArray();
        Assert.Equal(before.Length, after.Length);
        for (int i = 0; i < before.Length; i++) Assert.Equal(before[i], after[i], 1e-10);
    }

    [Fact]
    public void ConvBatchNormAndLinearBatchNormFoldExactly()
    {
        var g = new Generator(1);
        var model = new Sequential(
            new Conv2d(3, 5, 3, padding: 1, bias: false, dtype: DType.Float64, generator: g), new BatchNorm2d(5, dtype: DType.Float64), new ReLU(),
            new Conv2d(5, 4, 2, "same", dtype: DType.Float64, generator: g), new BatchNorm2d(4, eps: 1e-3, dtype: DType.Float64),
            new Flatten(),
            new Linear(4 * 6 * 6, 7, bias: false, DType.Float64, g), new BatchNorm1d(7, affine: false, dtype: DType.Float64), new ReLU(),
            new Linear(7, 3, true, DType.Float64, g));
        Randomize(model, 2);
        var x = Tensor.Randn(new Shape(4, 3, 6, 6), DType.Float64, generator: g);
        AssertSameOutput(model, x, () => BatchNormFolding.FoldInPlace(model), ["0", "3", "6"]);
        Assert.IsType<Identity>(model[1]);
        Assert.IsType<Identity>(model[4]);
        Assert.IsType<Identity>(model[7]);
        Assert.NotNull(((Conv2d)model[0]).Bias);
        Assert.Equal("same", ((Conv2d)model[3]).PaddingMode);
        Assert.IsType<Linear>(model[9]);
    }

    [Fact]
    public void ResidualBlocksAndResidualBodiesFold()
    {
        var g = new Generator(3);
        var body = new Sequential(new Conv2d(4, 6, 3, 2, 1, bias: false, dtype: DType.Float64, generator: g), new BatchNorm2d(6, dtype: DType.Float64), new ReLU(),
            new Conv2d(6, 6, 3, padding: 1, bias: false, dtype: DType.Float64, generator: g), new BatchNorm2d(6, dtype: DType.Float64));
        var shortcut = new Sequential(new Conv2d(4, 6, 1, 2, bias: false, dtype: DType.Float64, generator: g), new BatchNorm2d(6, dtype: DType.Float64));
        var model = new Sequential(new Residual(body, shortcut, new ReLU()), new ResidualBlock(6, 5, 8, dtype: DType.Float64, generator: g));
        Randomize(model, 4);
        var x = Tensor.Randn(new Shape(2, 4, 8, 8), DType.Float64, generator: g);
        AssertSameOutput(model, x, () => BatchNormFolding.FoldInPlace(model),
            ["0.body.0", "0.body.3", "0.shortcut.0", "1.conv1", "1.conv2", "1.downsample.0"]);
        Assert.IsType<Identity>(((ResidualBlock)model[1]).Bn2);
    }

    [Fact]
    public void PairsThatCannotBeFoldedStay()
    {
        var g = new Generator(5);
        var model = new Sequential(
            new Conv2d(2, 3, 3, generator: g), new ReLU(), new BatchNorm2d(3),       // not adjacent
            new Conv2d(3, 3, 1, generator: g), new BatchNorm2d(3, trackRunningStats: false), // no running statistics
            new Flatten(), new Linear(12, 4, generator: g), new BatchNorm2d(4));      // wrong kind
        Assert.Empty(BatchNormFolding.FoldInPlace(model));
        Assert.IsType<BatchNorm2d>(model[2]);
        Assert.IsType<BatchNorm2d>(model[4]);
        Assert.Null(BatchNormFolding.Fold(new Conv2d(2, 3, 3), new BatchNorm2d(4)));
    }
}

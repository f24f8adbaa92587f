using Descent.Kernels;
using Descent.Tensors;
using Descent.Tensors.Autograd;
using Descent.Tests.Tensors.Ops;

namespace Descent.Tests.Kernels.Conv;

/// <summary>
/// The Winograd F(2×2, 3×3) path of <see cref="Conv2dKernels"/> (forced with <see cref="Conv2dKernels.Algorithm"/>)
/// against the direct-loop reference: forward, input and weight gradients, at every SIMD level, for every odd and even
/// image size and padding (partial tiles at the right and bottom edges), channel counts that leave vector tails, and
/// non-finite inputs; plus the float64 gradient check and the PyTorch fixtures through the op.
/// </summary>
[Trait("Category", "Kernels")]
[Collection(NNKernelsCollection.Name)]
public class WinogradConv2dTests
{
    private static T Forced<T>(ConvAlgorithm algorithm, Func<T> run)
    {
        var previous = Conv2dKernels.Algorithm;
        Conv2dKernels.Algorithm = algorithm;
        try
        {
            return run();
        }
        finally
        {
            Conv2dKernels.Algorithm = previous;
        }
    }

    private static Conv2dGeometry Geometry(int c, int h, int w, int pad) =>
        new(c, h, w, 3, 3, 1, 1, pad, pad, 1, 1, h + 2 * pad - 2, w + 2 * pad - 2);

    /// <summary>Forward and both gradients of the kernels in float64 against the reference loops.</summary>
    private static void CheckAgainstReference(int n, int c, int o, int h, int w, int pad, string what)
    {
        var g = Geometry(c, h, w, pad);
        if (g.OutH < 1 || g.OutW < 1) return;
        Assert.True(WinogradConv2d.Supports(g, 1));
        var x = NNTestData.Normal(n * c * h * w, 1000 + h * 31 + w);
        var wt = NNTestData.Normal(o * c * 9, 2000 + c);
        var expected = NNReference.Conv2d(x, n, c, h, w, wt, o, 3, 3, null, (1, 1), (pad, pad), (1, 1), 1, out int oh, out int ow);
        var dy = NNTestData.Normal(n * o * oh * ow, 3000 + o);
        var (edx, edw, _) = NNReferenceGrad.Conv2d(x, n, c, h, w, wt, o, 3, 3, dy, (1, 1), (pad, pad), (1, 1), 1, oh, ow);
        var y = new double[expected.Length];
        Array.Fill(y, double.NaN);   // every output element must be written
        var dx = new double[x.Length];
        var dw = new double[wt.Length];
        Array.Fill(dx, double.NaN);
        Array.Fill(dw, double.NaN);
        Conv2dKernels.Forward<double>(x, wt, y, n, o, 1, g);
        Conv2dKernels.Backward<double>(x, wt, dy, dx, dw, n, o, 1, g);
        NNTestData.Close(expected, y, 1e-12, 1e-10, $"{what} y");
        NNTestData.Close(edx, dx, 1e-12, 1e-10, $"{what} dx");
        NNTestData.Close(edw, dw, 1e-11, 1e-10, $"{what} dw");
        // The single-gradient entry points give the same values as the combined one.
        var dxOnly = new double[x.Length];
        var dwOnly = new double[wt.Length];
        Conv2dKernels.BackwardData<double>(dy, wt, dxOnly, n, o, 1, g);
        Conv2dKernels.BackwardWeight<double>(x, dy, dwOnly, n, o, 1, g);
        Assert.Equal(dx, dxOnly);
        Assert.Equal(dw, dwOnly);
    }

    [Fact]
    public void EverySizeAndPaddingMatchesTheDirectConvolution()
    {
        Forced(ConvAlgorithm.Winograd, () =>
        {
            foreach (var level in NNKernelsCollection.Levels)
            {
                using var _ = KernelConfig.Force(level);
                for (int h = 1; h <= 9; h++)
                    for (int w = 1; w <= 9; w++)
                        for (int pad = 0; pad <= 2; pad++)
                            CheckAgainstReference(2, 3, 2, h, w, pad, $"{level} {h}x{w} p{pad}");
            }
            return 0;
        });
    }

    [Fact]
    public void ChannelCountsWithVectorTailsMatchTheDirectConvolution()
    {
        // float64 vectors hold 8 (512-bit) or 4 (256-bit) lanes: 13 and 21 channels run a wide block, a narrow
        // block and single channels; 8 and 16 are whole vectors. Batches above the weight-gradient chunk count.
        Forced(ConvAlgorithm.Winograd, () =>
        {
            foreach (var level in NNKernelsCollection.Levels)
            {
                using var _ = KernelConfig.Force(level);
                foreach (var (c, o) in new[] { (13, 21), (8, 16), (16, 5), (1, 13) })
                    CheckAgainstReference(c == 1 ? 11 : 3, c, o, 7, 10, 1, $"{level} {c}->{o}");
            }
            return 0;
        });
    }

    [Fact]
    public void Float32MatchesTheDirectConvolutionAtEveryLevel()
    {
        // 17 channels in float32: 16 lanes of Vector512, then 8 + 1 at 256 bits; a 28×28 image has several bands.
        int n = 2, c = 17, o = 24, h = 28, w = 28;
        var g = Geometry(c, h, w, 1);
        var x = NNTestData.Normal(n * c * h * w, 7);
        var wt = NNTestData.Normal(o * c * 9, 8);
        var expected = NNReference.Conv2d(x, n, c, h, w, wt, o, 3, 3, null, (1, 1), (1, 1), (1, 1), 1, out int oh, out int ow);
        var dy = NNTestData.Normal(n * o * oh * ow, 9);
        var (edx, edw, _) = NNReferenceGrad.Conv2d(x, n, c, h, w, wt, o, 3, 3, dy, (1, 1), (1, 1), (1, 1), 1, oh, ow);
        Forced(ConvAlgorithm.Winograd, () =>
        {
            foreach (var level in NNKernelsCollection.Levels)
            {
                using var _ = KernelConfig.Force(level);
                var y = new float[expected.Length];
                var dx = new float[x.Length];
                var dw = new float[wt.Length];
                Conv2dKernels.Forward<float>(KernelTestSupport.ToFloat(x), KernelTestSupport.ToFloat(wt), y, n, o, 1, g);
                Conv2dKernels.Backward<float>(KernelTestSupport.ToFloat(x), KernelTestSupport.ToFloat(wt), KernelTestSupport.ToFloat(dy),
                    dx, dw, n, o, 1, g);
                // Winograd's transforms add a few roundings over a dot product of 153 terms of magnitude ~1.
                NNTestData.Close(expected, Array.ConvertAll(y, v => (double)v), 1e-4, 1e-4, $"{level} y");
                NNTestData.Close(edx, Array.ConvertAll(dx, v => (double)v), 1e-4, 1e-4, $"{level} dx");
                NNTestData.Close(edw, Array.ConvertAll(dw, v => (double)v), 1e-3, 1e-4, $"{level} dw");
            }
            return 0;
        });
    }

    [Fact]
    public void NonFiniteInputsReachEveryOutputThatSeesThem()
    {
        // A NaN or infinity in x must not vanish: every output whose 3×3 window contains it is non-finite. Outputs in
        // tiles that do not read it are exact. (Within a 2×2 output tile, Winograd's transform mixes all 16 inputs,
        // so a neighbour that does not see the value becomes NaN too, as in other Winograd implementations.)
        int c = 8, o = 8, h = 8, w = 8;
        var g = Geometry(c, h, w, 1);
        var wt = NNTestData.Normal(o * c * 9, 5);
        foreach (double bad in new[] { double.NaN, double.PositiveInfinity, double.NegativeInfinity })
        {
            var x = NNTestData.Normal(c * h * w, 6);
            x[(3 * h + 4) * w + 5] = bad;   // channel 3, row 4, column 5
            var expected = NNReference.Conv2d(x, 1, c, h, w, wt, o, 3, 3, null, (1, 1), (1, 1), (1, 1), 1, out _, out _);
            var y = Forced(ConvAlgorithm.Winograd, () =>
            {
                var result = new double[expected.Length];
                Conv2dKernels.Forward<double>(x, wt, result, 1, o, 1, g);
                return result;
            });
            for (int oc = 0; oc < o; oc++)
                for (int i = 0; i < h; i++)
                    for (int j = 0; j < w; j++)
                    {
                        int k = (oc * h + i) * w + j;
                        bool sees = Math.Abs(i - 4) <= 1 && Math.Abs(j - 5) <= 1;
                        // The tile of output (i, j) reads input rows 2·(i / 2) − 1 … 2·(i / 2) + 2 (padding 1), columns likewise.
                        int ti = i / 2 * 2, tj = j / 2 * 2;
                        bool tileReads = ti - 1 <= 4 && 4 <= ti + 2 && tj - 1 <= 5 && 5 <= tj + 2;
                        if (sees) Assert.False(double.IsFinite(y[k]), $"{bad}: y[{oc}, {i}, {j}] = {y[k]} is finite");
                        else if (!tileReads) Assert.True(Math.Abs(y[k] - expected[k]) <= 1e-12 + 1e-10 * Math.Abs(expected[k]),
                            $"{bad}: y[{oc}, {i}, {j}] = {y[k]}, expected {expected[k]}");
                    }
        }
    }

    [Fact]
    public void WeightGradientDoesNotDependOnTheThreadCount()
    {
        var x = NNTestData.Random(DType.Float32, 30, 19, 8, 9, 9);
        var wt = NNTestData.Random(DType.Float32, 31, 8, 8, 3, 3).RequiresGradInPlace();
        var g = NNTestData.Random(DType.Float32, 32, 19, 8, 9, 9);
        var (one, two) = Forced(ConvAlgorithm.Winograd, () =>
        {
            using (ParallelFor.OverrideThreads(2))
                Tensor.Conv2d(x, wt, null, 1, 1).Backward(g);
            var parallel = wt.Grad!.ToArray<float>();
            wt.Grad = null;
            using (ParallelFor.OverrideThreads(1))
                Tensor.Conv2d(x, wt, null, 1, 1).Backward(g);
            return (wt.Grad!.ToArray<float>(), parallel);
        });
        Assert.Equal(two, one);
    }

    [Theory]
    [InlineData(2, 3, 5, 6, 2, 1)]
    [InlineData(1, 2, 4, 3, 3, 0)]
    [InlineData(3, 2, 3, 3, 2, 2)]
    public void GradCheckFloat64(int n, int c, int h, int w, int o, int pad)
    {
        var x = NNTestData.Leaf(10, n, c, h, w);
        var wt = NNTestData.Leaf(11, o, c, 3, 3);
        var b = NNTestData.Leaf(12, o);
        Forced(ConvAlgorithm.Winograd, () =>
        {
            GradCheck.Assert(t => Tensor.Conv2d(t[0], t[1], t[2], 1, pad), [x, wt, b]);
            return 0;
        });
    }

    /// <summary>The conv2d cases of the PyTorch fixtures.</summary>
    public static TheoryData<string, string> ConvFixtureCases()
    {
        var cases = new TheoryData<string, string>();
        foreach (var row in NNFixtureTests.Cases())
            if (row[1] is string name && name.StartsWith("conv2d_", StringComparison.Ordinal))
                cases.Add((string)row[0], name);
        return cases;
    }

    [Theory]
    [MemberData(nameof(ConvFixtureCases))]
    public void FixturesStillMatchPyTorch(string file, string name)
    {
        // The conv2d fixtures at float64 (tight) and float32 (loose) tolerances with every covered geometry on Winograd.
        Forced(ConvAlgorithm.Winograd, () =>
        {
            new NNFixtureTests().MatchesPyTorch(file, name);
            return 0;
        });
    }

    [Fact]
    public void AutoPicksWinogradFor3x3Stride1WithEnoughChannels()
    {
        Assert.Equal(ConvAlgorithm.Auto, Conv2dKernels.Algorithm);
        Assert.True(Conv2dKernels.UsesWinograd(Geometry(16, 14, 14, 1), 16, 1));
        Assert.False(Conv2dKernels.UsesColumns(Geometry(16, 14, 14, 1), 16, 1));
        Assert.False(Conv2dKernels.UsesWinograd(Geometry(1, 28, 28, 1), 16, 1));            // first layer: im2col
        Assert.False(Conv2dKernels.UsesWinograd(Geometry(16, 14, 14, 1), 16, 2));           // grouped
        var strided = new Conv2dGeometry(16, 14, 14, 3, 3, 2, 2, 1, 1, 1, 1, 7, 7);
        Assert.False(Conv2dKernels.UsesWinograd(strided, 16, 1));
        Assert.True(Forced(ConvAlgorithm.Winograd, () => Conv2dKernels.UsesWinograd(Geometry(1, 28, 28, 1), 16, 1)));
        Assert.False(Forced(ConvAlgorithm.Winograd, () => Conv2dKernels.UsesWinograd(strided, 16, 1)));
        Assert.False(Forced(ConvAlgorithm.Im2Col, () => Conv2dKernels.UsesWinograd(Geometry(16, 14, 14, 1), 16, 1)));
    }
}

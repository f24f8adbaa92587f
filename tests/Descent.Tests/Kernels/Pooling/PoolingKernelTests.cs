using Descent.Kernels;

namespace Descent.Tests.Kernels.Pooling;

[Trait("Category", "Kernels")]
[Collection(NNKernelsCollection.Name)]
public class PoolingKernelTests
{
    private static readonly float[] Specials = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, 1f, 1f];

    private static float[] Plane(int height, int width, int seed, bool specials)
    {
        var gen = new Descent.Tensors.Generator(seed);
        var x = new float[height * width];
        for (int i = 0; i < x.Length; i++)
        {
            // Few distinct values, so ties are common; specials sprinkled in.
            x[i] = (float)Math.Round(gen.NextNormal() * 2);
            if (specials && gen.NextDouble() < 0.1) x[i] = Specials[gen.NextInt64(Specials.Length)];
        }
        return x;
    }

    private static Pool2dGeometry TwoByTwo(int height, int width) =>
        new(height, width, 2, 2, 2, 2, 0, 0, 1, 1, height / 2, width / 2);

    [Fact]
    public void MaxTwoByTwoMatchesTheScalarScanOnEveryLevelAndWidth()
    {
        for (int width = 2; width <= 72; width++)
        {
            var g = TwoByTwo(5, width);
            Assert.True(g.IsTwoByTwo);
            foreach (bool specials in new[] { false, true })
            {
                var x = Plane(5, width, width, specials);
                var refValues = new float[g.OutPlane];
                var refIndices = new long[g.OutPlane];
                MaxPool2dKernels.PlaneScalar<float>(x, refValues, refIndices, g);
                foreach (var level in NNKernelsCollection.Levels)
                {
                    using var _ = KernelConfig.Force(level);
                    var values = new float[g.OutPlane];
                    var indices = new long[g.OutPlane];
                    MaxPool2dKernels.Forward<float>(x, values, indices, 1, g);
                    Assert.Equal(refIndices, indices);
                    for (int i = 0; i < values.Length; i++)
                        Assert.True(BitConverter.SingleToInt32Bits(refValues[i]) == BitConverter.SingleToInt32Bits(values[i]) ||
                                    (float.IsNaN(refValues[i]) && float.IsNaN(values[i])),
                            $"{level} W={width} out {i}: {refValues[i]} vs {values[i]}");
                }
            }
        }
    }

    [Fact]
    public void AvgTwoByTwoMatchesTheScalarLoopBitForBitOnEveryLevelAndWidth()
    {
        for (int width = 2; width <= 72; width++)
        {
            var g = TwoByTwo(4, width);
            foreach (int divisor in new[] { 0, 3 })
            {
                var x = Plane(4, width, 100 + width, specials: true);
                var expected = new float[g.OutPlane];
                AvgPool2dKernels.PlaneScalar<float>(x, expected, g, countIncludePad: true, divisor, backward: false);
                foreach (var level in NNKernelsCollection.Levels)
                {
                    using var _ = KernelConfig.Force(level);
                    var y = new float[g.OutPlane];
                    AvgPool2dKernels.Forward<float>(x, y, 1, g, countIncludePad: true, divisor);
                    for (int i = 0; i < y.Length; i++)
                        Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(y[i]) ||
                                    (float.IsNaN(expected[i]) && float.IsNaN(y[i])),
                            $"{level} W={width} out {i}: {expected[i]} vs {y[i]}");
                }
            }
        }
    }

    [Fact]
    public void AvgTwoByTwoBackwardMatchesTheScalarLoopOnEveryLevelAndSize()
    {
        foreach (int height in new[] { 4, 5 })
            for (int width = 2; width <= 72; width++)
            {
                var g = TwoByTwo(height, width);
                var dy = Plane(g.OutH, g.OutW, 200 + width, specials: true);
                var expected = new float[g.InPlane];
                AvgPool2dKernels.PlaneScalar<float>(dy, expected, g, countIncludePad: true, divisorOverride: 3, backward: true);
                var expected64 = new double[g.InPlane];
                AvgPool2dKernels.PlaneScalar<double>(Array.ConvertAll(dy, v => (double)v), expected64, g, true, 0, backward: true);
                foreach (var level in NNKernelsCollection.Levels)
                {
                    using var _ = KernelConfig.Force(level);
                    var dx = new float[g.InPlane];
                    Array.Fill(dx, float.NaN);   // overwritten everywhere, including a trailing odd row/column
                    AvgPool2dKernels.Backward<float>(dy, dx, 1, g, countIncludePad: true, divisorOverride: 3);
                    for (int i = 0; i < dx.Length; i++)
                        Assert.True(expected[i].Equals(dx[i]), $"{level} {height}x{width} dx[{i}]: {expected[i]} vs {dx[i]}");
                    var dx64 = new double[g.InPlane];
                    AvgPool2dKernels.Backward<double>(Array.ConvertAll(dy, v => (double)v), dx64, 1, g, true, 0);
                    Assert.Equal(expected64, dx64);
                }
            }
    }

    [Fact]
    public void BackwardRoutesToIndicesAndSpreadsAverages()
    {
        foreach (var level in NNKernelsCollection.Levels)
        {
            using var _ = KernelConfig.Force(level);
            var g = new Pool2dGeometry(3, 3, 2, 2, 1, 1, 0, 0, 1, 1, 2, 2);
            var dx = new double[9];
            Array.Fill(dx, double.NaN);   // overwritten, not accumulated into
            MaxPool2dKernels.Backward<double>(new double[] { 1, 2, 3, 4 }, new long[] { 4, 4, 4, 8 }, dx, 1, g);
            Assert.Equal([0, 0, 0, 0, 6, 0, 0, 0, 4], dx);
            AvgPool2dKernels.Backward<double>(new double[] { 4, 8, 12, 16 }, dx, 1, g, countIncludePad: true, divisorOverride: 0);
            Assert.Equal([1, 3, 2, 4, 10, 6, 3, 7, 4], dx);
            AdaptiveAvgPool2dKernels.Backward<double>(new double[] { 4, 8, 12, 16 }, dx, 1, 3, 3, 2, 2);
            Assert.Equal([1, 3, 2, 4, 10, 6, 3, 7, 4], dx);
        }
    }

    [Fact]
    public void ManyPlanesGiveTheSameResultInParallel()
    {
        // 64·6 planes of 28×28: LeNet's first pooling, well above the parallel threshold.
        var g = TwoByTwo(28, 28);
        int planes = 64 * 6;
        var x = new float[planes * g.InPlane];
        var gen = new Descent.Tensors.Generator(3);
        for (int i = 0; i < x.Length; i++) x[i] = (float)gen.NextNormal();
        var values = new float[planes * g.OutPlane];
        var indices = new long[planes * g.OutPlane];
        MaxPool2dKernels.Forward<float>(x, values, indices, planes, g);
        var v1 = new float[g.OutPlane];
        var i1 = new long[g.OutPlane];
        for (int p = 0; p < planes; p += 37)
        {
            MaxPool2dKernels.PlaneScalar<float>(x.AsSpan(p * g.InPlane, g.InPlane), v1, i1, g);
            Assert.Equal(v1, values.AsSpan(p * g.OutPlane, g.OutPlane).ToArray());
            Assert.Equal(i1, indices.AsSpan(p * g.OutPlane, g.OutPlane).ToArray());
        }
    }
}

using Descent.Kernels;

namespace Descent.Tests.Kernels.Conv;

[Trait("Category", "Kernels")]
[Collection(NNKernelsCollection.Name)]
public class Im2ColKernelTests
{
    private static double Value(int c, int h, int w) => c * 10000 + h * 100 + w + 1;

    [Fact]
    public void EveryWidthStridePaddingAndDilationMatchesTheDefinition()
    {
        foreach (var level in NNKernelsCollection.Levels)
        {
            using var _ = KernelConfig.Force(level);
            for (int width = 1; width <= 21; width++)
                for (int stride = 1; stride <= 3; stride++)
                    for (int pad = 0; pad <= 2; pad++)
                        for (int dilation = 1; dilation <= 2; dilation++)
                            Check(channels: 2, height: 4, width, kernel: 3, stride, pad, dilation, level);
        }
    }

    private static void Check(int channels, int height, int width, int kernel, int stride, int pad, int dilation, SimdLevel level)
    {
        int outH = Conv2dGeometry.OutputSize(height, kernel, stride, pad, dilation);
        int outW = Conv2dGeometry.OutputSize(width, kernel, stride, pad, dilation);
        if (outH < 1 || outW < 1) return;
        var g = new Conv2dGeometry(channels, height, width, kernel, kernel, stride, stride, pad, pad, dilation, dilation, outH, outW);
        var image = new double[g.ImageSize];
        for (int c = 0; c < channels; c++)
            for (int h = 0; h < height; h++)
                for (int w = 0; w < width; w++)
                    image[(c * height + h) * width + w] = Value(c, h, w);
        var col = new double[g.ColRows * g.ColCols];
        Array.Fill(col, double.NaN);   // every entry must be written
        Im2ColKernels.Im2Col<double>(image, col, g);
        var back = new double[g.ImageSize];
        var weights = new double[col.Length];
        for (int i = 0; i < weights.Length; i++) weights[i] = i % 7 + 1;
        Im2ColKernels.Col2Im<double>(weights, back, g);
        var expectedBack = new double[g.ImageSize];
        for (int c = 0; c < channels; c++)
            for (int i = 0; i < kernel; i++)
                for (int j = 0; j < kernel; j++)
                    for (int oh = 0; oh < outH; oh++)
                        for (int ow = 0; ow < outW; ow++)
                        {
                            int ih = oh * stride - pad + i * dilation, iw = ow * stride - pad + j * dilation;
                            bool inside = ih >= 0 && ih < height && iw >= 0 && iw < width;
                            int k = ((c * kernel + i) * kernel + j) * g.ColCols + oh * outW + ow;
                            Assert.True((inside ? Value(c, ih, iw) : 0) == col[k],
                                $"{level} W={width} s={stride} p={pad} d={dilation}: col[{k}] = {col[k]}");
                            if (inside) expectedBack[(c * height + ih) * width + iw] += weights[k];
                        }
        Assert.Equal(expectedBack, back);
    }

    [Fact]
    public void WeightGradientIsTheSameWithKeptOrRecomputedColumns()
    {
        var x = Descent.Tests.Tensors.Ops.NNTestData.Random(Descent.Tensors.DType.Float64, 1, 3, 2, 7, 6);
        var w = Descent.Tests.Tensors.Ops.NNTestData.Leaf(2, 4, 2, 3, 2);
        var g = Descent.Tests.Tensors.Ops.NNTestData.Random(Descent.Tensors.DType.Float64, 3, 3, 4, 4, 3);
        Descent.Tensors.Tensor.Conv2d(x, w, null, (2, 2), (1, 0), 1).Backward(g);
        var kept = w.Grad!.ToDoubleArray();
        w.Grad = null;
        long limit = Conv2dKernels.ColumnCacheLimit;
        try
        {
            Conv2dKernels.ColumnCacheLimit = 0;
            Descent.Tensors.Tensor.Conv2d(x, w, null, (2, 2), (1, 0), 1).Backward(g);
        }
        finally
        {
            Conv2dKernels.ColumnCacheLimit = limit;
        }
        Assert.Equal(kept, w.Grad!.ToDoubleArray());
    }

    [Fact]
    public void PointwiseGeometryIsDetected()
    {
        Assert.True(new Conv2dGeometry(3, 4, 5, 1, 1, 1, 1, 0, 0, 1, 1, 4, 5).IsPointwise);
        Assert.False(new Conv2dGeometry(3, 4, 5, 1, 1, 2, 2, 0, 0, 1, 1, 2, 3).IsPointwise);
        Assert.False(new Conv2dGeometry(3, 4, 5, 1, 1, 1, 1, 1, 1, 1, 1, 6, 7).IsPointwise);
    }
}

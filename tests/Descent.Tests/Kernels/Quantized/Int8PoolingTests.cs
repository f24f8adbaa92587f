using Descent.Kernels;
using Descent.Kernels.Quantized;

namespace Descent.Tests.Kernels.Quantized;

/// <summary>
/// The uint8 NHWC pooling and layout kernels against direct loops: max-pooling (both the general window walk and the
/// row pass for non-overlapping windows) with padding skipped, global average pooling's exact sum and single
/// requantization, and the NHWC → NCHW transpose — identical bytes on every SIMD path.
/// </summary>
[Trait("Category", "Kernels")]
[Collection(GemmSerialCollection.Name)]
public class Int8PoolingTests
{
    public static TheoryData<SimdLevel> Levels()
    {
        var data = new TheoryData<SimdLevel>();
        foreach (var level in KernelTestSupport.Levels()) data.Add(level);
        return data;
    }

    // images, height, width, channels, kh, kw, sh, sw, dh, dw, pad
    private static readonly int[][] Pools =
    [
        [3, 28, 28, 6, 2, 2, 2, 2, 1, 1, 0],
        [2, 10, 10, 16, 2, 2, 2, 2, 1, 1, 0],
        [2, 9, 11, 70, 3, 3, 2, 2, 1, 1, 1],
        [1, 8, 8, 33, 2, 3, 1, 3, 1, 1, 0],
        [2, 7, 7, 5, 3, 3, 1, 1, 2, 2, 1],
        [1, 14, 14, 128, 2, 2, 2, 2, 1, 1, 0],
    ];

    [Theory]
    [MemberData(nameof(Levels))]
    public void MaxPoolMatchesTheWindowMaximum(SimdLevel level)
    {
        using var _ = KernelConfig.Force(level);
        var rng = new Random(5);
        foreach (var d in Pools)
        {
            int images = d[0], h = d[1], w = d[2], c = d[3];
            var g = new Int8ConvGeometry(d[4], d[5], d[6], d[7], d[8], d[9], d[10], d[10], d[10], d[10]);
            int outH = g.OutputHeight(h), outW = g.OutputWidth(w);
            var x = new byte[images * h * w * c];
            rng.NextBytes(x);
            var y = new byte[images * outH * outW * c];
            Int8Pooling.MaxPool2d(x, images, h, w, c, g, y);
            for (int i = 0; i < images; i++)
                for (int oh = 0; oh < outH; oh++)
                    for (int ow = 0; ow < outW; ow++)
                        for (int ch = 0; ch < c; ch++)
                        {
                            int m = -1;
                            for (int ki = 0; ki < g.KernelH; ki++)
                                for (int kj = 0; kj < g.KernelW; kj++)
                                {
                                    int ih = oh * g.StrideH - g.PadTop + ki * g.DilationH, iw = ow * g.StrideW - g.PadLeft + kj * g.DilationW;
                                    if ((uint)ih < (uint)h && (uint)iw < (uint)w) m = Math.Max(m, x[((i * h + ih) * w + iw) * c + ch]);
                                }
                            Assert.True(m == y[((i * outH + oh) * outW + ow) * c + ch], $"{level} {string.Join(",", d)}: ({i},{oh},{ow},{ch})");
                        }
        }
    }

    [Theory]
    [MemberData(nameof(Levels))]
    public void GlobalAveragePoolRequantizesTheExactMean(SimdLevel level)
    {
        using var _ = KernelConfig.Force(level);
        var rng = new Random(8);
        foreach (var (images, pixels, channels) in new[] { (2, 49, 64), (3, 9, 5), (1, 16, 17) })
        {
            var x = new byte[images * pixels * channels];
            for (int i = 0; i < x.Length; i++) x[i] = (byte)rng.Next(0, 128);
            float inScale = 0.031f, outScale = 0.017f;
            int inZp = 11, outZp = 5;
            var y = new byte[images * channels];
            Int8Pooling.GlobalAvgPool(x, images, pixels, channels, inScale, inZp, outScale, outZp, 127, y);
            for (int i = 0; i < images; i++)
                for (int c = 0; c < channels; c++)
                {
                    int sum = 0;
                    for (int p = 0; p < pixels; p++) sum += x[(i * pixels + p) * channels + c];
                    float mean = (sum - pixels * inZp) * (inScale / pixels);
                    int expected = (int)Math.Clamp(MathF.Round(mean * (1f / outScale), MidpointRounding.ToEven), -outZp, 127 - outZp) + outZp;
                    Assert.Equal(expected, y[i * channels + c]);
                }
        }
    }

    [Fact]
    public void NhwcToNchwTransposesEachImage()
    {
        int images = 2, pixels = 6, channels = 5;
        var x = Enumerable.Range(0, images * pixels * channels).Select(v => (byte)v).ToArray();
        var y = new byte[x.Length];
        Int8Pooling.NhwcToNchw(x, images, pixels, channels, y);
        for (int i = 0; i < images; i++)
            for (int p = 0; p < pixels; p++)
                for (int c = 0; c < channels; c++)
                    Assert.Equal(x[(i * pixels + p) * channels + c], y[(i * channels + c) * pixels + p]);
    }
}

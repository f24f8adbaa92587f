using Descent.Kernels.Quantized;

namespace Descent.Tests.Kernels.Quantized;

/// <summary>
/// Int8Im2Col against the index definition: patch value (c, i, j) of output pixel (oh, ow) is the input at
/// (c, oh·sh − top + i·dh, ow·sw − left + j·dw), or the pad value outside, for strides, dilations and asymmetric padding.
/// </summary>
[Trait("Category", "Kernels")]
public class Int8Im2ColTests
{
    [Theory]
    [InlineData(1, 5, 5, 3, 3, 1, 1, 1, 1, 0, 0, 0, 0)]
    [InlineData(2, 6, 7, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1)]
    [InlineData(3, 8, 9, 5, 5, 1, 1, 1, 1, 2, 2, 2, 2)]
    [InlineData(2, 7, 8, 3, 2, 2, 3, 1, 1, 1, 0, 1, 2)]
    [InlineData(2, 9, 9, 3, 3, 1, 2, 2, 2, 2, 1, 3, 2)]
    [InlineData(1, 4, 6, 2, 2, 1, 1, 1, 1, 0, 0, 1, 1)]
    [InlineData(4, 3, 3, 1, 1, 2, 2, 1, 1, 0, 0, 0, 0)]
    public void MatchesTheIndexDefinition(int channels, int height, int width, int kh, int kw, int sh, int sw, int dh, int dw,
        int top, int left, int bottom, int right)
    {
        var g = new Int8ConvGeometry(kh, kw, sh, sw, dh, dw, top, left, bottom, right);
        var image = new byte[channels * height * width];
        for (int i = 0; i < image.Length; i++) image[i] = (byte)(i * 37 % 251);
        int outH = g.OutputHeight(height), outW = g.OutputWidth(width), row = channels * kh * kw;
        Assert.Equal((height + top + bottom - dh * (kh - 1) - 1) / sh + 1, outH);
        var columns = new byte[outH * outW * row + 3];
        columns.AsSpan().Fill(0xEE);
        const byte pad = 17;
        Int8Im2Col.Unfold(image, channels, height, width, g, pad, columns);
        for (int oh = 0; oh < outH; oh++)
            for (int ow = 0; ow < outW; ow++)
                for (int c = 0; c < channels; c++)
                    for (int i = 0; i < kh; i++)
                        for (int j = 0; j < kw; j++)
                        {
                            int ih = oh * sh - top + i * dh, iw = ow * sw - left + j * dw;
                            byte expected = ih >= 0 && ih < height && iw >= 0 && iw < width ? image[(c * height + ih) * width + iw] : pad;
                            Assert.Equal(expected, columns[(oh * outW + ow) * row + (c * kh + i) * kw + j]);
                        }
        Assert.All(columns[^3..], b => Assert.Equal(0xEE, b));
    }

    [Fact]
    public void RowsGoBackToChannelMajorImages()
    {
        int images = 2, pixels = 5, channels = 3;
        var rows = Enumerable.Range(0, images * pixels * channels).Select(v => (float)v).ToArray();
        var output = new float[rows.Length];
        Int8Im2Col.RowsToChannels(rows, images, pixels, channels, output);
        for (int i = 0; i < images; i++)
            for (int p = 0; p < pixels; p++)
                for (int o = 0; o < channels; o++)
                    Assert.Equal(rows[(i * pixels + p) * channels + o], output[(i * channels + o) * pixels + p]);
        Assert.Throws<ArgumentException>(() => Int8Im2Col.RowsToChannels(rows, images, pixels + 1, channels, output));
    }

    [Fact]
    public void TooSmallBuffersAreRejected()
    {
        var g = new Int8ConvGeometry(3, 3, 1, 1, 1, 1, 0, 0, 0, 0);
        Assert.Contains("cannot hold", Assert.Throws<ArgumentException>(() => Int8Im2Col.Unfold(new byte[25], 1, 5, 5, g, 0, new byte[80])).Message);
        Assert.Contains("fewer than", Assert.Throws<ArgumentException>(() => Int8Im2Col.Unfold(new byte[24], 1, 5, 5, g, 0, new byte[81])).Message);
    }
}

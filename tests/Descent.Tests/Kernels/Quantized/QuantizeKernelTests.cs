using Descent.Kernels;
using Descent.Kernels.Quantized;

namespace Descent.Tests.Kernels.Quantized;

/// <summary>
/// Quantization kernels at every length 0..130 on every SIMD path against the scalar definition (float32 x·(1/scale),
/// ties to even, zero point after rounding, clamp): exact ties, values beyond both ends, ±∞, NaN (→ quant_min, as fbgemm)
/// and ±0; int16 offsets, uint8 and int8 storage; dequantization; fake quantization's mask.
/// </summary>
[Trait("Category", "Kernels")]
[Collection("KernelConfig")]
public class QuantizeKernelTests
{
    public static TheoryData<SimdLevel> Levels()
    {
        var data = new TheoryData<SimdLevel>();
        foreach (var level in KernelTestSupport.Levels()) data.Add(level);
        return data;
    }

    private static int Definition(float x, float inv, int zp, int min, int max)
    {
        if (float.IsNaN(x)) return min;
        double r = Math.Round((double)(x * inv), MidpointRounding.ToEven) + zp;
        return (int)Math.Clamp(r, min, max);
    }

    private static float[] Inputs(int n, Random rng, float scale)
    {
        var x = new float[n];
        for (int i = 0; i < n; i++)
        {
            x[i] = rng.Next(4) switch
            {
                0 => (rng.Next(-300, 300) + 0.5f) * scale,        // exact ties (power-of-two scale)
                1 => (float)(rng.NextDouble() * 600 - 300) * scale,
                2 => (float)(rng.NextDouble() * 4 - 2) * scale,
                _ => (float)KernelTestSupport.LogUniform(rng, -3, 4),
            };
        }
        foreach (var s in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f })
            if (n > 0 && rng.NextDouble() < 0.8) x[rng.Next(n)] = s;
        return x;
    }

    [Theory]
    [MemberData(nameof(Levels))]
    public void EveryLengthMatchesTheDefinition(SimdLevel level)
    {
        using var _ = KernelConfig.Force(level);
        var rng = new Random(11);
        foreach (var (scale, zp, min, max) in new[] { (0.25f, 3, 0, 255), (0.0625f, -5, -128, 127), (0.046875f, 130, 0, 255), (0.1f, 0, -64, 63) })
        {
            float inv = 1f / scale;
            for (int n = 0; n <= KernelTestSupport.MaxLength; n++)
            {
                var x = Inputs(n, rng, scale);
                var offsets = new short[n];
                QuantizeKernels.Quantize(x, inv, zp, min, max, zp, offsets);
                var u8 = new byte[n];
                var s8 = new sbyte[n];
                if (min >= 0) QuantizeKernels.Quantize(x, inv, zp, min, max, u8);
                else QuantizeKernels.Quantize(x, inv, zp, min, max, s8);
                for (int i = 0; i < n; i++)
                {
                    int q = Definition(x[i], inv, zp, min, max);
                    Assert.True(offsets[i] == q - zp, $"{level} n={n} x[{i}]={x[i]:R}: offset {offsets[i]}, expected {q - zp}");
                    int stored = min >= 0 ? u8[i] : s8[i];
                    Assert.True(stored == q, $"{level} n={n} x[{i}]={x[i]:R}: stored {stored}, expected {q}");
                }
            }
        }
    }

    [Fact]
    public void DequantizeSubtractsTheZeroPointAndScales()
    {
        var q = new byte[] { 0, 3, 4, 255 };
        var x = new float[4];
        QuantizeKernels.Dequantize(q, 0.25f, 3, x);
        Assert.Equal(new[] { -0.75f, 0f, 0.25f, 63f }, x);
        var s = new sbyte[] { -128, -5, 127 };
        var y = new float[3];
        QuantizeKernels.Dequantize(s, 0.0625f, -5, y);
        Assert.Equal(new[] { -7.6875f, 0f, 8.25f }, y);
    }

    [Fact]
    public void BadRangesAndLengthsAreRejected()
    {
        Assert.Contains("inside [0, 255]", Assert.Throws<ArgumentOutOfRangeException>(() => QuantizeKernels.Quantize([1f], 1, 0, -1, 255, new byte[1])).Message);
        Assert.Contains("inside [-128, 127]", Assert.Throws<ArgumentOutOfRangeException>(() => QuantizeKernels.Quantize([1f], 1, 0, 0, 255, new sbyte[1])).Message);
        Assert.Contains("zero_point 300", Assert.Throws<ArgumentOutOfRangeException>(() => QuantizeKernels.Quantize([1f], 1, 300, 0, 255, new byte[1])).Message);
        Assert.Contains("2 values into a destination of 1", Assert.Throws<DescentInternalException>(() => QuantizeKernels.Quantize([1f, 2f], 1, 0, 0, 255, 0, new short[1])).Message);
    }

    [Fact]
    public void FakeQuantizeMasksOnTheRoundedUnclampedValue()
    {
        // scale 0.5, zp 0, range [-2, 2]: 1.2 → q 2 (inside); 1.3 → 2.6 rounds to 3 (outside, clamped to 2); -1.24 → q -2.
        var x = new[] { 1.2, 1.3, -1.24, double.NaN, 0.25 };
        var output = new double[5];
        var mask = new double[5];
        FakeQuantizeKernels.Forward<double>(x, 0.5f, 0, -2, 2, output, mask);
        Assert.Equal(new[] { 1.0, 1.0, -1.0 }, output[..3]);
        Assert.True(double.IsNaN(output[3]));
        Assert.Equal(0.0, output[4]);   // 0.5 ties to even 0
        Assert.Equal(new[] { 1.0, 0.0, 1.0, 0.0, 1.0 }, mask);
    }
}

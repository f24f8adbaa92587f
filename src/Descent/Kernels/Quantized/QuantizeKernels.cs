using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Descent.Kernels.Quantized;

/// <summary>
/// Affine quantization of float32 data: q = clamp(zero_point + round_half_even(x · (1/scale)), quant_min, quant_max)
/// (PyTorch's quantize_per_tensor, which multiplies by the float32 reciprocal of the scale, as fbgemm's Quantize
/// does), and dequantization x = (q − zero_point) · scale. The zero point is added after rounding, so an exact tie
/// goes to the even integer whatever the zero point. NaN quantizes to quant_min, as in fbgemm.
/// Vector paths round with the same ties-to-even rule as the scalar one, so every path gives identical integers.
/// </summary>
public static class QuantizeKernels
{
    /// <summary>
    /// <paramref name="destination"/>[i] = clamp(zeroPoint + round(x[i]·inverseScale), quantMin, quantMax) − <paramref name="offset"/>,
    /// as int16: with offset = zeroPoint these are the (q − zero_point) values the int8 GEMM consumes; with offset 0
    /// the integer representation itself.
    /// </summary>
    public static unsafe void Quantize(ReadOnlySpan<float> x, float inverseScale, int zeroPoint, int quantMin, int quantMax,
        int offset, Span<short> destination)
    {
        CheckRange(x.Length, destination.Length, quantMin, quantMax, zeroPoint);
        var q = new Quantizer(inverseScale, zeroPoint, quantMin, quantMax, offset);
        int i = 0, n = x.Length;
        fixed (float* px = x)
        fixed (short* pd = destination)
        {
            if (KernelConfig.UseVector512 && Avx512F.IsSupported)
            {
                for (; i + 32 <= n; i += 32)
                    Vector512.Narrow(q.Apply(Vector512.Load(px + i)), q.Apply(Vector512.Load(px + i + 16))).Store(pd + i);
            }
            else if (KernelConfig.UseVector256 && Avx2.IsSupported)
            {
                for (; i + 16 <= n; i += 16)
                    Vector256.Narrow(q.Apply(Vector256.Load(px + i)), q.Apply(Vector256.Load(px + i + 8))).Store(pd + i);
            }
            for (; i < n; i++)
                pd[i] = (short)q.Apply(px[i]);
        }
    }

    /// <summary>Quantizes to unsigned 8-bit integers (quint8 storage); the range must lie inside [0, 255].</summary>
    public static unsafe void Quantize(ReadOnlySpan<float> x, float inverseScale, int zeroPoint, int quantMin, int quantMax,
        Span<byte> destination)
    {
        if (quantMin < 0 || quantMax > 255)
            throw new ArgumentOutOfRangeException(nameof(quantMax), $"uint8 storage needs a range inside [0, 255], got [{quantMin}, {quantMax}].");
        fixed (byte* pd = destination)
            QuantizeBytes(x, inverseScale, zeroPoint, quantMin, quantMax, (sbyte*)pd, destination.Length);
    }

    /// <summary>Quantizes to signed 8-bit integers (qint8 storage); the range must lie inside [−128, 127].</summary>
    public static unsafe void Quantize(ReadOnlySpan<float> x, float inverseScale, int zeroPoint, int quantMin, int quantMax,
        Span<sbyte> destination)
    {
        if (quantMin < -128 || quantMax > 127)
            throw new ArgumentOutOfRangeException(nameof(quantMax), $"int8 storage needs a range inside [-128, 127], got [{quantMin}, {quantMax}].");
        fixed (sbyte* pd = destination)
            QuantizeBytes(x, inverseScale, zeroPoint, quantMin, quantMax, pd, destination.Length);
    }

    // Both byte types: the values are clamped to the 8-bit range first, so the truncating narrows keep them exactly
    // (the bit patterns of uint8 and int8 storage are the low bytes of the int32 values).
    private static unsafe void QuantizeBytes(ReadOnlySpan<float> x, float inverseScale, int zeroPoint, int quantMin, int quantMax,
        sbyte* pd, int length)
    {
        CheckRange(x.Length, length, quantMin, quantMax, zeroPoint);
        var q = new Quantizer(inverseScale, zeroPoint, quantMin, quantMax, 0);
        int i = 0, n = x.Length;
        fixed (float* px = x)
        {
            if (KernelConfig.UseVector512 && Avx512F.IsSupported)
            {
                for (; i + 64 <= n; i += 64)
                {
                    var lo = Vector512.Narrow(q.Apply(Vector512.Load(px + i)), q.Apply(Vector512.Load(px + i + 16)));
                    var hi = Vector512.Narrow(q.Apply(Vector512.Load(px + i + 32)), q.Apply(Vector512.Load(px + i + 48)));
                    Vector512.Narrow(lo, hi).Store(pd + i);
                }
            }
            else if (KernelConfig.UseVector256 && Avx2.IsSupported)
            {
                for (; i + 32 <= n; i += 32)
                {
                    var lo = Vector256.Narrow(q.Apply(Vector256.Load(px + i)), q.Apply(Vector256.Load(px + i + 8)));
                    var hi = Vector256.Narrow(q.Apply(Vector256.Load(px + i + 16)), q.Apply(Vector256.Load(px + i + 24)));
                    Vector256.Narrow(lo, hi).Store(pd + i);
                }
            }
            for (; i < n; i++)
                pd[i] = (sbyte)q.Apply(px[i]);
        }
    }

    /// <summary>
    /// Smallest and largest value in one pass (what a min/max observer and dynamic quantization need per batch);
    /// NaN anywhere gives (NaN, NaN). An empty span gives (+∞, −∞), PyTorch's "nothing observed".
    /// </summary>
    public static unsafe (float Min, float Max) MinMax(ReadOnlySpan<float> x)
    {
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        bool nan = false;
        int i = 0, n = x.Length;
        fixed (float* px = x)
        {
            if (KernelConfig.UseVector512 && Avx512F.IsSupported && n >= 16)
            {
                var vmin = Vector512.Create(min);
                var vmax = Vector512.Create(max);
                var unordered = Vector512<float>.Zero;
                for (; i + 16 <= n; i += 16)
                {
                    var v = Vector512.Load(px + i);
                    vmin = Avx512F.Min(vmin, v);
                    vmax = Avx512F.Max(vmax, v);
                    unordered |= Avx512F.CompareUnordered(v, v);
                }
                nan = unordered != Vector512<float>.Zero;
                for (int l = 0; l < 16; l++)
                {
                    min = MathF.Min(min, vmin[l]);
                    max = MathF.Max(max, vmax[l]);
                }
            }
            else if (KernelConfig.UseVector256 && Avx.IsSupported && n >= 8)
            {
                var vmin = Vector256.Create(min);
                var vmax = Vector256.Create(max);
                var unordered = Vector256<float>.Zero;
                for (; i + 8 <= n; i += 8)
                {
                    var v = Vector256.Load(px + i);
                    vmin = Avx.Min(vmin, v);
                    vmax = Avx.Max(vmax, v);
                    unordered |= Avx.CompareUnordered(v, v);
                }
                nan = unordered != Vector256<float>.Zero;
                for (int l = 0; l < 8; l++)
                {
                    min = MathF.Min(min, vmin[l]);
                    max = MathF.Max(max, vmax[l]);
                }
            }
            for (; i < n; i++)
            {
                float v = px[i];
                nan |= float.IsNaN(v);
                min = MathF.Min(min, v);
                max = MathF.Max(max, v);
            }
        }
        return nan ? (float.NaN, float.NaN) : (min, max);
    }

    /// <summary>x[i] = (q[i] − zeroPoint) · scale.</summary>
    public static void Dequantize(ReadOnlySpan<byte> q, float scale, int zeroPoint, Span<float> destination)
    {
        if (destination.Length != q.Length)
            throw new DescentInternalException($"Dequantize: {q.Length} values into {destination.Length}.");
        for (int i = 0; i < q.Length; i++)
            destination[i] = (q[i] - zeroPoint) * scale;
    }

    /// <summary>x[i] = (q[i] − zeroPoint) · scale.</summary>
    public static void Dequantize(ReadOnlySpan<sbyte> q, float scale, int zeroPoint, Span<float> destination)
    {
        if (destination.Length != q.Length)
            throw new DescentInternalException($"Dequantize: {q.Length} values into {destination.Length}.");
        for (int i = 0; i < q.Length; i++)
            destination[i] = (q[i] - zeroPoint) * scale;
    }

    private static void CheckRange(int length, int destination, int quantMin, int quantMax, int zeroPoint)
    {
        if (destination != length)
            throw new DescentInternalException($"Quantize: {length} values into a destination of {destination}.");
        if (quantMin > quantMax)
            throw new ArgumentOutOfRangeException(nameof(quantMin), $"Quantize: quant_min {quantMin} > quant_max {quantMax}.");
        if (zeroPoint < quantMin || zeroPoint > quantMax)
            throw new ArgumentOutOfRangeException(nameof(zeroPoint), $"Quantize: zero_point {zeroPoint} is outside [{quantMin}, {quantMax}].");
    }

    /// <summary>
    /// The per-element rule: round x·inv (ties to even), clamp to [quant_min − zp, quant_max − zp] in float (so huge
    /// values cannot overflow the conversion), convert, add zp − offset. The raw vmaxps/vminps return their second
    /// operand for NaN, so NaN lands on quant_min, as in fbgemm (PyTorch), and the scalar path does the same.
    /// </summary>
    private readonly struct Quantizer(float inverseScale, int zeroPoint, int quantMin, int quantMax, int offset)
    {
        private readonly float _inv = inverseScale;
        private readonly float _lo = quantMin - zeroPoint;
        private readonly float _hi = quantMax - zeroPoint;
        private readonly int _shift = zeroPoint - offset;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public int Apply(float x)
        {
            float r = MathF.Round(x * _inv, MidpointRounding.ToEven);
            r = float.IsNaN(r) ? _lo : Math.Clamp(r, _lo, _hi);
            return (int)r + _shift;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector512<int> Apply(Vector512<float> x)
        {
            var r = Avx512F.RoundScale(x * _inv, 0x08);   // nearest, ties to even; no precision exception
            r = Avx512F.Min(Avx512F.Max(r, Vector512.Create(_lo)), Vector512.Create(_hi));
            return Avx512F.ConvertToVector512Int32(r) + Vector512.Create(_shift);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<int> Apply(Vector256<float> x)
        {
            var r = Avx.RoundToNearestInteger(x * _inv);
            r = Avx.Min(Avx.Max(r, Vector256.Create(_lo)), Vector256.Create(_hi));
            return Avx.ConvertToVector256Int32(r) + Vector256.Create(_shift);
        }
    }
}

using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Descent.Kernels.Quantized;

/// <summary>
/// Affine quantization of float32 data: q = clamp(zero_point + round_half_even(x · (1/scale)), quant_min, quant_max)
/// (PyTorch's quantize_per_tensor, which multiplies by the float32 reciprocal of the scale, as fbgemm's Quantize
/// does), and dequantization x = (q − zero_point) · scale. The zero point is added after rounding, so an exact tie
/// goes to the even integer whatever the zero point. NaN quantizes to the zero point (PyTorch leaves it undefined).
/// Vector paths round with the same ties-to-even rule as the scalar one, so every path gives identical integers.
/// </summary>
public static class QuantizeKernels
{
    /// <summary>
    /// <paramref name="destination"/>[i] = clamp(zeroPoint + round(x[i]·inverseScale), quantMin, quantMax) − <paramref name="offset"/>,
    /// as int16: with offset = zeroPoint these are the (q − zero_point) values the int8 GEMM consumes; with offset 0
    /// the integer representation itself.
    /// </summary>
    public static void Quantize(ReadOnlySpan<float> x, float inverseScale, int zeroPoint, int quantMin, int quantMax,
        int offset, Span<short> destination)
    {
        CheckRange(x.Length, destination.Length, quantMin, quantMax, zeroPoint);
        var q = new Quantizer(inverseScale, zeroPoint, quantMin, quantMax, offset);
        int i = 0;
        if (KernelConfig.UseVector512)
        {
            for (; i + 32 <= x.Length; i += 32)
                Vector512.Narrow(q.Apply(Vector512.Create(x.Slice(i, 16))), q.Apply(Vector512.Create(x.Slice(i + 16, 16))))
                    .CopyTo(destination.Slice(i, 32));
        }
        else if (KernelConfig.UseVector256)
        {
            for (; i + 16 <= x.Length; i += 16)
                Vector256.Narrow(q.Apply(Vector256.Create(x.Slice(i, 8))), q.Apply(Vector256.Create(x.Slice(i + 8, 8))))
                    .CopyTo(destination.Slice(i, 16));
        }
        for (; i < x.Length; i++)
            destination[i] = (short)q.Apply(x[i]);
    }

    /// <summary>Quantizes to unsigned 8-bit integers (quint8 storage); the range must lie inside [0, 255].</summary>
    public static void Quantize(ReadOnlySpan<float> x, float inverseScale, int zeroPoint, int quantMin, int quantMax,
        Span<byte> destination)
    {
        if (quantMin < 0 || quantMax > 255)
            throw new ArgumentOutOfRangeException(nameof(quantMax), $"uint8 storage needs a range inside [0, 255], got [{quantMin}, {quantMax}].");
        CheckRange(x.Length, destination.Length, quantMin, quantMax, zeroPoint);
        var q = new Quantizer(inverseScale, zeroPoint, quantMin, quantMax, 0);
        int i = 0;
        if (KernelConfig.UseVector512)
        {
            for (; i + 64 <= x.Length; i += 64)
                Narrow(q, x.Slice(i, 64)).AsByte().CopyTo(destination.Slice(i, 64));
        }
        for (; i < x.Length; i++)
            destination[i] = (byte)q.Apply(x[i]);
    }

    /// <summary>Quantizes to signed 8-bit integers (qint8 storage); the range must lie inside [−128, 127].</summary>
    public static void Quantize(ReadOnlySpan<float> x, float inverseScale, int zeroPoint, int quantMin, int quantMax,
        Span<sbyte> destination)
    {
        if (quantMin < -128 || quantMax > 127)
            throw new ArgumentOutOfRangeException(nameof(quantMax), $"int8 storage needs a range inside [-128, 127], got [{quantMin}, {quantMax}].");
        CheckRange(x.Length, destination.Length, quantMin, quantMax, zeroPoint);
        var q = new Quantizer(inverseScale, zeroPoint, quantMin, quantMax, 0);
        int i = 0;
        if (KernelConfig.UseVector512)
        {
            for (; i + 64 <= x.Length; i += 64)
                Narrow(q, x.Slice(i, 64)).CopyTo(destination.Slice(i, 64));
        }
        for (; i < x.Length; i++)
            destination[i] = (sbyte)q.Apply(x[i]);
    }

    /// <summary>x[i] = (q[i] − zeroPoint) · scale.</summary>
    public static void Dequantize(ReadOnlySpan<byte> q, float scale, int zeroPoint, Span<float> destination)
    {
        if (destination.Length != q.Length)
            throw new ArgumentException($"Dequantize: {q.Length} values into {destination.Length}.", nameof(destination));
        for (int i = 0; i < q.Length; i++)
            destination[i] = (q[i] - zeroPoint) * scale;
    }

    /// <summary>x[i] = (q[i] − zeroPoint) · scale.</summary>
    public static void Dequantize(ReadOnlySpan<sbyte> q, float scale, int zeroPoint, Span<float> destination)
    {
        if (destination.Length != q.Length)
            throw new ArgumentException($"Dequantize: {q.Length} values into {destination.Length}.", nameof(destination));
        for (int i = 0; i < q.Length; i++)
            destination[i] = (q[i] - zeroPoint) * scale;
    }

    // Four int32 vectors of 16 → one vector of 64 bytes; the values are already clamped to the 8-bit range, so the
    // truncating narrows are exact.
    private static Vector512<sbyte> Narrow(in Quantizer q, ReadOnlySpan<float> x64)
    {
        var lo = Vector512.Narrow(q.Apply(Vector512.Create(x64[..16])), q.Apply(Vector512.Create(x64.Slice(16, 16))));
        var hi = Vector512.Narrow(q.Apply(Vector512.Create(x64.Slice(32, 16))), q.Apply(Vector512.Create(x64.Slice(48, 16))));
        return Vector512.Narrow(lo, hi);
    }

    private static void CheckRange(int length, int destination, int quantMin, int quantMax, int zeroPoint)
    {
        if (destination != length)
            throw new ArgumentException($"Quantize: {length} values into a destination of {destination}.", nameof(destination));
        if (quantMin > quantMax)
            throw new ArgumentOutOfRangeException(nameof(quantMin), $"Quantize: quant_min {quantMin} > quant_max {quantMax}.");
        if (zeroPoint < quantMin || zeroPoint > quantMax)
            throw new ArgumentOutOfRangeException(nameof(zeroPoint), $"Quantize: zero_point {zeroPoint} is outside [{quantMin}, {quantMax}].");
    }

    /// <summary>The per-element rule, in float: round, add the zero point, clamp, subtract the offset.</summary>
    private readonly struct Quantizer(float inverseScale, int zeroPoint, int quantMin, int quantMax, int offset)
    {
        private readonly float _inv = inverseScale;
        private readonly float _zp = zeroPoint;
        private readonly float _min = quantMin;
        private readonly float _max = quantMax;
        private readonly int _offset = offset;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public int Apply(float x)
        {
            if (float.IsNaN(x)) return (int)_zp - _offset;
            // Integers up to 2^24 are exact in float, and the clamp keeps the sum far below that.
            float r = MathF.Round(x * _inv, MidpointRounding.ToEven) + _zp;
            return (int)Math.Clamp(r, _min, _max) - _offset;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector512<int> Apply(Vector512<float> x)
        {
            var r = Vector512.Round(x * _inv) + Vector512.Create(_zp);
            r = Vector512.Min(Vector512.Max(r, Vector512.Create(_min)), Vector512.Create(_max));
            r = Vector512.ConditionalSelect(Vector512.Equals(x, x), r, Vector512.Create(_zp));
            return Vector512.ConvertToInt32(r) - Vector512.Create(_offset);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<int> Apply(Vector256<float> x)
        {
            var r = Vector256.Round(x * _inv) + Vector256.Create(_zp);
            r = Vector256.Min(Vector256.Max(r, Vector256.Create(_min)), Vector256.Create(_max));
            r = Vector256.ConditionalSelect(Vector256.Equals(x, x), r, Vector256.Create(_zp));
            return Vector256.ConvertToInt32(r) - Vector256.Create(_offset);
        }
    }
}

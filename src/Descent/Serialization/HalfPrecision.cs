using System.Buffers.Binary;

namespace Descent.Serialization;

/// <summary>How <see cref="SafeTensors"/> stores floating-point tensors.</summary>
public enum FloatStorage
{
    /// <summary>As they are: F32 for Float32, F64 for Float64.</summary>
    Native,

    /// <summary>IEEE 754 half precision ("F16", PyTorch's float16), rounded to nearest even.</summary>
    Float16,

    /// <summary>bfloat16 ("BF16", PyTorch's bfloat16: float32's exponent, 7 mantissa bits), rounded to nearest even.</summary>
    BFloat16,
}

/// <summary>
/// 16-bit float encodings of safetensors' F16 and BF16 tensors: read into Float32 exactly (both widen losslessly),
/// written from Float32/Float64 with round-to-nearest-even, as <c>tensor.half()</c> / <c>tensor.bfloat16()</c> do.
/// </summary>
internal static class HalfPrecision
{
    /// <summary>The safetensors dtype name of <paramref name="storage"/> (null for Native).</summary>
    public static string? Name(FloatStorage storage) => storage switch
    {
        FloatStorage.Float16 => "F16",
        FloatStorage.BFloat16 => "BF16",
        _ => null,
    };

    /// <summary>Widens little-endian 16-bit values to float.</summary>
    public static void Read(ReadOnlySpan<byte> bytes, Span<float> values, bool bfloat)
    {
        for (int i = 0; i < values.Length; i++)
        {
            ushort bits = BinaryPrimitives.ReadUInt16LittleEndian(bytes.Slice(2 * i, 2));
            values[i] = bfloat ? BitConverter.Int32BitsToSingle(bits << 16) : (float)BitConverter.UInt16BitsToHalf(bits);
        }
    }

    /// <summary>Rounds <paramref name="values"/> to 16 bits, little-endian, into <paramref name="bytes"/>.</summary>
    public static void Write(ReadOnlySpan<float> values, Span<byte> bytes, bool bfloat)
    {
        for (int i = 0; i < values.Length; i++)
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.Slice(2 * i, 2), bfloat ? ToBFloat16(values[i]) : BitConverter.HalfToUInt16Bits((Half)values[i]));
    }

    /// <summary>
    /// Rounds doubles: to half directly (one rounding, as PyTorch's double → half), to bfloat16 through float (as
    /// c10::BFloat16, whose constructor takes a float).
    /// </summary>
    public static void Write(ReadOnlySpan<double> values, Span<byte> bytes, bool bfloat)
    {
        for (int i = 0; i < values.Length; i++)
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.Slice(2 * i, 2), bfloat ? ToBFloat16((float)values[i]) : BitConverter.HalfToUInt16Bits((Half)values[i]));
    }

    /// <summary>float → bfloat16 bits, round to nearest even; NaN stays a (quiet) NaN.</summary>
    public static ushort ToBFloat16(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value)) return (ushort)((bits >> 16) | 0x40);
        uint rounding = 0x7FFF + ((bits >> 16) & 1);
        return (ushort)((bits + rounding) >> 16);
    }
}

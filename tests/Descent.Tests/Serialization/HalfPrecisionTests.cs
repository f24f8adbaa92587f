using System.Text;
using Descent.Serialization;
using Descent.Tensors;

namespace Descent.Tests.Serialization;

/// <summary>F16/BF16 safetensors: header names, round-to-nearest-even bit patterns, overflow, NaN, and exact widening on read.</summary>
public class HalfPrecisionTests
{
    [Fact]
    public void FloatsAreStoredAsF16OrBF16AndReadBackAsFloat32()
    {
        var x = Tensor.FromArray([1f, 1.00390625f, 1.01171875f, -2.5f, 65520f, float.NaN]);
        var f16 = SafeTensors.Serialize([new("x", x), new("i", Tensor.FromArray([3L]))], floatStorage: FloatStorage.Float16);
        var bf16 = SafeTensors.Serialize([new("x", x.To(DType.Float64))], floatStorage: FloatStorage.BFloat16);
        Assert.Contains("\"dtype\":\"F16\"", Encoding.UTF8.GetString(f16), StringComparison.Ordinal);
        Assert.Contains("\"dtype\":\"I64\"", Encoding.UTF8.GetString(f16), StringComparison.Ordinal);
        Assert.Contains("\"dtype\":\"BF16\"", Encoding.UTF8.GetString(bf16), StringComparison.Ordinal);
        var h = SafeTensors.Deserialize(f16);
        Assert.Equal(DType.Float32, h["x"].DType);
        Assert.Equal(3, h["i"].GetDouble(0));
        var hv = h["x"].ToFloatArray();
        Assert.Equal([1f, 1.00390625f, 1.01171875f, -2.5f, float.PositiveInfinity], hv[..5]); // 65520 rounds up past 65504
        Assert.True(float.IsNaN(hv[5]));
        var bv = SafeTensors.Deserialize(bf16)["x"].ToFloatArray();
        // bfloat16 keeps 7 mantissa bits: 1 + 2⁻⁸ is a tie that rounds to even (1), 1 + 3·2⁻⁸ rounds to 1 + 2⁻⁶.
        Assert.Equal([1f, 1f, 1.015625f, -2.5f, 65536f], bv[..5]);
        Assert.True(float.IsNaN(bv[5]));
    }

    [Fact]
    public void BFloat16BitsAreRoundedToNearestEven()
    {
        Assert.Equal(0x3F80, HalfPrecision.ToBFloat16(1f));
        Assert.Equal(0x3F80, HalfPrecision.ToBFloat16(1.00390625f));
        Assert.Equal(0x3F81, HalfPrecision.ToBFloat16(BitConverter.Int32BitsToSingle(0x3F808001))); // just above the tie
        Assert.Equal(0x7F80, HalfPrecision.ToBFloat16(float.PositiveInfinity));
        Assert.Equal(0x7F80, HalfPrecision.ToBFloat16(float.MaxValue)); // overflows to infinity, as in torch
        Assert.Equal(0x8000, HalfPrecision.ToBFloat16(-0f));
    }

    [Fact]
    public void A16BitTensorWithTheWrongByteCountIsRejected()
    {
        var file = SafeTensors.Serialize([new("x", Tensor.FromArray([1f, 2f]))], floatStorage: FloatStorage.Float16);
        var text = Encoding.UTF8.GetString(file).Replace("\"shape\":[2]", "\"shape\":[3]", StringComparison.Ordinal);
        var e = Assert.Throws<SafeTensorsFormatException>(() => SafeTensors.Deserialize(Encoding.UTF8.GetBytes(text)));
        Assert.Contains("F16 [3] needs 6", e.Message, StringComparison.Ordinal);
    }
}

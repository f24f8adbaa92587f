using Descent.Serialization;
using Descent.Tensors;

namespace Descent.Tests.Tensors;

/// <summary>The int8/uint8 storage dtypes: creation, conversion, copies, printing, views and safetensors I8/U8.</summary>
public class QuantizedStorageTests
{
    [Fact]
    public void Int8AndUInt8HoldTheirRangesAndConvert()
    {
        var s = Tensor.FromSpan<sbyte>([-128, -1, 0, 127], 2, 2);
        var u = Tensor.FromSpan<byte>([0, 1, 200, 255], 4);
        Assert.Equal((DType.Int8, DType.UInt8), (s.DType, u.DType));
        Assert.Equal(("int8", "uint8"), (s.DType.TorchName(), u.DType.TorchName()));
        Assert.Equal([-128.0, -1, 0, 127], s.ToDoubleArray());
        Assert.Equal([0f, 1, 200, 255], u.To(DType.Float32).ToArray<float>());
        Assert.Equal([-128L, -1, 0, 127], s.To(DType.Int64).ToArray<long>());
        Assert.Equal(DType.UInt8, Tensor.FromArray([3.0, 250.0], 2).To(DType.UInt8).DType);
        Assert.Throws<OverflowException>(() => u.Clone().SetDouble(0, 256));
        Assert.Throws<InvalidOperationException>(() => { s.RequiresGrad = true; });
        Assert.Equal(DType.Int64, DTypeExtensions.Promote(DType.Int8, DType.UInt8));
        Assert.Equal(DType.Float32, DTypeExtensions.Promote(DType.UInt8, DType.Float32));
        Assert.Equal(DType.Int8, DTypeExtensions.Promote(DType.Bool, DType.Int8));
    }

    [Fact]
    public void CopiesViewsAndPrintingWork()
    {
        var s = Tensor.FromSpan<sbyte>([1, -2, 3, -4, 5, -6], 2, 3);
        Assert.Equal("tensor([[ 1, -2,  3],\n        [-4,  5, -6]], dtype=torch.int8)", s.ToString());
        Assert.Equal(s.ToDoubleArray(), s.Clone().ToDoubleArray());
        Assert.Equal([-4.0, 5, -6], s.Narrow(0, 1, 1).Clone().ToDoubleArray());
        var target = Tensor.Zeros(new Shape(6), DType.Float32);
        target.CopyFrom(s);
        Assert.Equal(s.ToDoubleArray(), target.ToDoubleArray());
        Assert.Equal([1.0, -2, 3, 1, -2, 3], Tensor.FromSpan<sbyte>([1, -2, 3], 1, 3).Expand(new Shape(2, 3)).ToDoubleArray());
    }

    [Fact]
    public void SafetensorsStoresOneBytePerElement()
    {
        var named = new NamedTensors { { "w", Tensor.FromSpan<sbyte>([-7, 8], 2) }, { "a", Tensor.FromSpan<byte>([9, 250, 3], 3) } };
        var bytes = SafeTensors.Serialize(named);
        var header = System.Text.Encoding.UTF8.GetString(bytes, 8, (int)BitConverter.ToUInt64(bytes, 0));
        Assert.Contains("\"dtype\":\"I8\"", header);
        Assert.Contains("\"dtype\":\"U8\"", header);
        var back = SafeTensors.Deserialize(bytes);
        Assert.Equal([-7.0, 8], back["w"].ToDoubleArray());
        Assert.Equal(DType.UInt8, back["a"].DType);
        Assert.Equal([9.0, 250, 3], back["a"].ToDoubleArray());
    }
}

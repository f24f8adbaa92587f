using Descent.Compression.Quantization;
using Descent.Tensors;

namespace Descent.Tests.Compression.Quantization;

/// <summary>QuantizedTensor and QuantParams: storage types, validation, per-channel layout and dequantization in both float types.</summary>
public class QuantizedTensorTests
{
    [Fact]
    public void StorageFollowsTheQuantizedType()
    {
        var x = Tensor.FromArray([-1f, 0f, 0.5f, 2f], 4);
        var u = QuantizedTensor.QuantizePerTensor(x, 0.5f, 2, QuantizedType.QUInt8);
        Assert.Equal(DType.UInt8, u.IntRepr.DType);
        Assert.Equal([0.0, 2, 3, 6], u.IntRepr.ToDoubleArray());
        var s = QuantizedTensor.QuantizePerTensor(x, 0.5f, 0, QuantizedType.QInt8);
        Assert.Equal(DType.Int8, s.IntRepr.DType);
        Assert.Equal([-2.0, 0, 1, 4], s.IntRepr.ToDoubleArray());
        Assert.Equal([-1.0, 0, 0.5, 2], s.Dequantize(DType.Float64).ToDoubleArray());
        Assert.Contains("stored as uint8", Assert.Throws<ArgumentException>(() => new QuantizedTensor(s.IntRepr, u.QParams)).Message);
    }

    [Fact]
    public void PerChannelParametersFollowTheAxis()
    {
        var x = Tensor.FromArray([1f, 2f, 3f, 4f, 5f, 6f], 2, 3);
        var q = QuantizedTensor.QuantizePerChannel(x, [1f, 0.5f, 0.25f], [0, 1, -2], 1, QuantizedType.QInt8);
        Assert.Equal([1.0, 5, 10, 4, 11, 22], q.IntRepr.ToDoubleArray());
        Assert.Equal(x.ToDoubleArray(), q.Dequantize().ToDoubleArray());
        Assert.Contains("needs 2 scales, got 3", Assert.Throws<ArgumentException>(() =>
            QuantizedTensor.QuantizePerChannel(x, [1f, 1f, 1f], [0, 0, 0], 0, QuantizedType.QInt8)).Message);
    }

    [Fact]
    public void ParametersAreValidated()
    {
        Assert.Contains("scale 0 is 0", Assert.Throws<ArgumentOutOfRangeException>(() => QuantParams.PerTensor(0f, 0, QuantizedType.QUInt8)).Message);
        Assert.Contains("zero point 0 = 300", Assert.Throws<ArgumentOutOfRangeException>(() => QuantParams.PerTensor(1f, 300, QuantizedType.QUInt8)).Message);
        Assert.Contains("need one scale", Assert.Throws<ArgumentException>(() => new QuantParams([1f, 1f], [0, 0], null, QuantizedType.QInt8, -128, 127)).Message);
        Assert.Contains("not inside qint8's", Assert.Throws<ArgumentOutOfRangeException>(() => QuantParams.PerTensor(1f, 0, QuantizedType.QInt8, -200, 100)).Message);
        Assert.Contains("must be float32 or float64", Assert.Throws<ArgumentException>(() =>
            QuantizedTensor.QuantizePerTensor(Tensor.Zeros(new Shape(2), DType.Int64), 1f, 0, QuantizedType.QInt8)).Message);
    }

    [Fact]
    public void FakeQuantizeValidatesItsArguments()
    {
        var x = Tensor.Zeros(new Shape(2, 3));
        Assert.Contains("scale 0 is -1", Assert.Throws<ArgumentOutOfRangeException>(() => FakeQuantize.PerTensorAffine(x, -1f, 0, 0, 255)).Message);
        Assert.Contains("zero point 0 = 9 is outside [0, 7]", Assert.Throws<ArgumentOutOfRangeException>(() => FakeQuantize.PerTensorAffine(x, 1f, 9, 0, 7)).Message);
        Assert.Contains("2 scales and 2 zero points for 3 channels", Assert.Throws<ArgumentException>(() => FakeQuantize.PerChannelAffine(x, [1f, 1f], [0, 0], 1, 0, 7)).Message);
        Assert.Contains("axis 2 is out of range", Assert.Throws<ArgumentOutOfRangeException>(() => FakeQuantize.PerChannelAffine(x, [1f], [0], 2, 0, 7)).Message);
    }
}

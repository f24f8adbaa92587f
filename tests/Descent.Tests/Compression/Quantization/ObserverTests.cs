using Descent.Compression.Quantization;
using Descent.Tensors;

namespace Descent.Tests.Compression.Quantization;

/// <summary>Observer behaviour the fixtures do not pin down: settings validation, the no-data fallback, custom ranges and channel checks.</summary>
public class ObserverTests
{
    [Fact]
    public void SettingsAreValidatedWithTheirNames()
    {
        Assert.Contains("use PerChannelMinMaxObserver", Assert.Throws<ArgumentException>(() => new MinMaxObserver(scheme: QScheme.PerChannelAffine)).Message);
        Assert.Contains("needs a per-channel scheme", Assert.Throws<ArgumentException>(() => new PerChannelMinMaxObserver(scheme: QScheme.PerTensorAffine)).Message);
        Assert.Contains("averaging_constant must be in (0, 1]", Assert.Throws<ArgumentOutOfRangeException>(() => new MinMaxObserver(averagingConstant: 0)).Message);
        Assert.Contains("give both quant_min and quant_max", Assert.Throws<ArgumentException>(() => new MinMaxObserver(quantMin: 0)).Message);
        Assert.Contains("inside quint8's [0, 255]", Assert.Throws<ArgumentOutOfRangeException>(() => new MinMaxObserver(quantMin: -1, quantMax: 10)).Message);
        Assert.Contains("must be float", Assert.Throws<ArgumentException>(() => new MinMaxObserver().Observe(Tensor.Zeros(new Shape(2), DType.Int64))).Message);
    }

    [Fact]
    public void NothingObservedGivesPyTorchsFallback()
    {
        var q = new MinMaxObserver().Observe(Tensor.Zeros(new Shape(0))) is { } && true ? new MinMaxObserver().CalculateQParams() : null;
        Assert.Equal([1f], q!.Scales);
        Assert.Equal([0], q.ZeroPoints);
        Assert.Equal([1f], new PerChannelMinMaxObserver().CalculateQParams().Scales);
    }

    [Fact]
    public void SymmetricQuint8UsesTheMiddleOfACustomRange()
    {
        var o = new MinMaxObserver(QuantizedType.QUInt8, QScheme.PerTensorSymmetric, quantMin: 0, quantMax: 15);
        o.Observe(Tensor.FromArray([-1f, 3f], 2));
        var q = o.CalculateQParams();
        Assert.Equal(7, q.ZeroPoints[0]);
        Assert.Equal(3f / 7.5f, q.Scales[0]);
        var standard = new MinMaxObserver(QuantizedType.QUInt8, QScheme.PerTensorSymmetric);
        standard.Observe(Tensor.FromArray([-1f, 3f], 2));
        Assert.Equal(128, standard.CalculateQParams().ZeroPoints[0]);
    }

    [Fact]
    public void PerChannelInputsMustKeepTheirChannelCount()
    {
        var o = new PerChannelMinMaxObserver(axis: 1);
        o.Observe(Tensor.Zeros(new Shape(2, 3)));
        Assert.Contains("has 4 channels along axis 1, earlier inputs had 3", Assert.Throws<ArgumentException>(() => o.Observe(Tensor.Zeros(new Shape(2, 4)))).Message);
        Assert.Contains("axis 1 is out of range", Assert.Throws<ArgumentException>(() => new PerChannelMinMaxObserver(axis: 1).Observe(Tensor.Zeros(new Shape(3)))).Message);
    }
}

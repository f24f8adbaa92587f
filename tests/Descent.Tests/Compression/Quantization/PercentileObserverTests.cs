using Descent.Compression.Quantization;
using Descent.Experiments;
using Descent.Tensors;

namespace Descent.Tests.Compression.Quantization;

/// <summary>
/// PercentileObserver: the range is the mean over observed tensors of their interpolated percentiles (numpy's
/// definition), an outlier does not stretch it, its parameters are the min/max formula applied to that range, and
/// static calibration uses it when asked.
/// </summary>
public class PercentileObserverTests
{
    private static Tensor Shuffled(int count, int seed)
    {
        var values = Enumerable.Range(0, count).Select(i => (float)i).ToArray();
        new Random(seed).Shuffle(values);
        return Tensor.FromArray(values, count);
    }

    [Fact]
    public void RangeIsTheMeanOfEachTensorsInterpolatedPercentiles()
    {
        var observer = new PercentileObserver(99);
        Assert.False(observer.HasObserved);
        observer.Observe(Shuffled(1000, 1));  // percentiles 0.01·999 = 9.99 and 0.99·999 = 989.01
        observer.Observe(Shuffled(100, 2));   // 0.99 and 98.01
        Assert.True(observer.HasObserved);
        Assert.Equal(2, observer.Count);
        Assert.Equal((float)((9.99 + 0.99) / 2), observer.MinVal, 3);
        Assert.Equal((float)((989.01 + 98.01) / 2), observer.MaxVal, 3);
        var expected = QParamsMath.Calculate(observer.MinVal, observer.MaxVal, symmetric: false, QuantizedType.QUInt8, 0, 255);
        var q = observer.CalculateQParams();
        Assert.Equal((expected.Scale, expected.ZeroPoint), (q.Scales[0], q.ZeroPoints[0]));
    }

    [Fact]
    public void AnOutlierDoesNotStretchTheRange()
    {
        var rng = new Random(3);
        var values = Enumerable.Range(0, 20000).Select(_ => (float)(rng.NextDouble() * 2 - 1)).Append(1e4f).ToArray();
        var x = Tensor.FromArray(values, values.Length);
        var percentile = new PercentileObserver(99.9);
        percentile.Observe(x);
        var minMax = new MinMaxObserver();
        minMax.Observe(x);
        Assert.Equal(1e4f, minMax.MaxVal);
        Assert.InRange(percentile.MaxVal, 0.99f, 1f);
        Assert.InRange(percentile.MinVal, -1f, -0.99f);
        Assert.True(percentile.CalculateQParams().Scales[0] < minMax.CalculateQParams().Scales[0] / 1000);
    }

    [Fact]
    public void BadSettingsAndNaNAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PercentileObserver(50));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PercentileObserver(100.5));
        Assert.Throws<ArgumentException>(() => new PercentileObserver(99, scheme: QScheme.PerChannelAffine));
        Assert.Contains("NaN", Assert.Throws<ArgumentException>(() => new PercentileObserver().Observe(Tensor.FromArray(new[] { 1f, float.NaN }, 2))).Message);
        // Nothing observed: PyTorch's default parameters (scale 1, zero point 0).
        Assert.Equal(1f, new PercentileObserver().CalculateQParams().Scales[0]);
    }

    [Fact]
    public void StaticCalibrationUsesItWhenAsked()
    {
        var model = ModelPresets.Create("mlp", generator: new Generator(4));
        model.Eval();
        var prepared = Quantizer.PrepareStatic(model, new QuantizationOptions(Percentile: 99.99));
        var observed = prepared.NamedModules().Select(m => m.Module).OfType<ObservedLayer>().ToList();
        Assert.Equal(3, observed.Count);
        Assert.All(observed, l => Assert.IsType<PercentileObserver>(l.InputObserver));
        var g = new Generator(5);
        using (Descent.Tensors.Autograd.GradMode.Disable())
            for (int i = 0; i < 3; i++) prepared.Call(Tensor.Rand(new Shape(16, 1, 28, 28), generator: g));
        var result = Quantizer.Convert(prepared);
        Assert.Equal(3, result.Converted.Count());
        var first = (QuantizedLinear)((Descent.NN.Sequential)result.Model)[1];
        // Inputs in [0, 1): the 99.99th percentile range is just inside it, so the scale is just below 1/127.
        Assert.InRange(first.InputScale.ToArray<float>()[0], 0.99f / 127, 1f / 127);
    }
}

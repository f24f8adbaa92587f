using System.Text.Json;
using Descent.Compression.Quantization;
using Descent.Tensors;

namespace Descent.Tests.Compression.Quantization;

/// <summary>
/// HistogramObserver against torch 1.13's HistogramObserver on seeded inputs (TestData/histogram_observer.json, made by
/// TestData/histogram_observer.py): the histogram, its range, the searched range and the qparams. "torch113" cases are
/// plain torch 1.13 (integer range ends, where its int() truncation changes nothing); "float_range" cases are torch
/// 1.13's code with the float range Descent uses (see the class's remarks).
/// </summary>
public class HistogramObserverTests
{
    private static readonly string DataPath = Path.Combine(AppContext.BaseDirectory, "Compression", "Quantization", "TestData", "histogram_observer.json");

    private static JsonElement Case(string name)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(DataPath));
        return doc.RootElement.GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name).Clone();
    }

    public static TheoryData<string> CaseNames()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(DataPath));
        var data = new TheoryData<string>();
        foreach (var c in doc.RootElement.GetProperty("cases").EnumerateArray()) data.Add(c.GetProperty("name").GetString()!);
        return data;
    }

    private static float[] Floats(JsonElement array) => array.EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();

    private static HistogramObserver Observed(JsonElement c)
    {
        var type = QuantizedTypeExtensions.Parse(c.GetProperty("dtype").GetString()!);
        var scheme = c.GetProperty("qscheme").GetString() == "per_tensor_symmetric" ? QScheme.PerTensorSymmetric : QScheme.PerTensorAffine;
        var observer = new HistogramObserver(c.GetProperty("bins").GetInt32(), type: type, scheme: scheme, reduceRange: c.GetProperty("reduce_range").GetBoolean());
        foreach (var input in c.GetProperty("inputs").EnumerateArray())
        {
            var shape = input.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray();
            observer.Observe(Tensor.FromArray(Floats(input.GetProperty("values")), shape));
        }
        return observer;
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void MatchesTorch113(string name)
    {
        var c = Case(name);
        var observer = Observed(c);
        Assert.Equal((float)c.GetProperty("min_val").GetDouble(), observer.MinVal);
        Assert.Equal((float)c.GetProperty("max_val").GetDouble(), observer.MaxVal);
        var expected = Floats(c.GetProperty("histogram"));
        var actual = observer.Histogram;
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-4f * Math.Max(1f, Math.Abs(expected[i])), $"{name}: bin {i}: torch {expected[i]}, Descent {actual[i]}");
        var (min, max) = observer.SearchRange();
        Assert.Equal((float)c.GetProperty("search_min").GetDouble(), min);
        Assert.Equal((float)c.GetProperty("search_max").GetDouble(), max);
        var q = observer.CalculateQParams();
        Assert.Equal((float)c.GetProperty("scale").GetDouble(), q.Scales[0]);
        Assert.Equal(c.GetProperty("zero_point").GetInt32(), q.ZeroPoints[0]);
    }

    /// <summary>Σ (x − dequantize(quantize(x)))² of <paramref name="x"/> on the quint8 grid of [min, max].</summary>
    private static double SquaredError(float[] x, float min, float max)
    {
        var (scale, zp) = QParamsMath.Calculate(min, max, symmetric: false, QuantizedType.QUInt8, 0, 255);
        var q = QuantizedTensor.Quantize(Tensor.FromArray(x, x.Length), QuantParams.PerTensor(scale, zp, QuantizedType.QUInt8, 0, 255));
        var back = q.Dequantize().ToFloatArray();
        return x.Select((v, i) => (double)(v - back[i]) * (v - back[i])).Sum();
    }

    [Fact]
    public void OnHeavyTailsTheSearchedRangeIsNarrowerAndQuantizesWithLessError()
    {
        // Cubed Gaussians: a dense body and long sparse tails, where min/max spends most levels on the tails.
        var rng = new Random(5);
        var x = Enumerable.Range(0, 20_000).Select(_ =>
        {
            double g = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
            return (float)(g * g * g);
        }).ToArray();
        var observer = new HistogramObserver();
        observer.Observe(Tensor.FromArray(x, x.Length));
        var (min, max) = observer.SearchRange();
        Assert.True(min >= observer.MinVal && max <= observer.MaxVal, $"searched [{min}, {max}] inside [{observer.MinVal}, {observer.MaxVal}]");
        Assert.True(max - min < observer.MaxVal - observer.MinVal, $"searched [{min}, {max}] of [{observer.MinVal}, {observer.MaxVal}]");
        Assert.True(SquaredError(x, min, max) < SquaredError(x, observer.MinVal, observer.MaxVal));
    }

    [Fact]
    public void SettingsAndBadInputAreRejectedWithTheirNames()
    {
        Assert.Contains("per tensor", Assert.Throws<ArgumentException>(() => new HistogramObserver(scheme: QScheme.PerChannelAffine)).Message);
        Assert.Contains("bins", Assert.Throws<ArgumentOutOfRangeException>(() => new HistogramObserver(bins: 1)).Message);
        Assert.Contains("NaN", Assert.Throws<ArgumentException>(() => new HistogramObserver().Observe(Tensor.FromArray([1f, float.NaN], 2))).Message);
        Assert.Contains("infinite", Assert.Throws<ArgumentException>(() => new HistogramObserver().Observe(Tensor.FromArray([1f, float.PositiveInfinity], 2))).Message);
        var empty = new HistogramObserver().CalculateQParams();
        Assert.Equal((1f, 0), (empty.Scales[0], empty.ZeroPoints[0]));
    }

    [Fact]
    public void ConstantInputThenARealRangeStartsOver()
    {
        var observer = new HistogramObserver(bins: 16);
        observer.Observe(Tensor.FromArray([2f, 2f, 2f], 3));
        Assert.Equal(3f, observer.Histogram.Sum());          // histc widens a zero range to [min − 1, max + 1]
        observer.Observe(Tensor.FromArray([0f, 1f, 4f], 3));   // PyTorch discards a constant histogram
        Assert.Equal((0f, 4f), (observer.MinVal, observer.MaxVal));
        Assert.Equal(3f, observer.Histogram.Sum());
    }
}

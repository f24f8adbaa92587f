using Descent.Compression.Quantization;
using Descent.NN;
using Descent.Serialization;
using Descent.Tensors;

namespace Descent.Tests.Compression.Quantization;

/// <summary>
/// DynamicQuantizedLinear: its output is the quantized definition computed from its own buffers (exact integers, float32
/// scaling), close to the float layer; its state is int8 and survives a safetensors round trip (re-packed on load);
/// bad inputs are rejected with the layer's name.
/// </summary>
public class DynamicQuantizedLinearTests
{
    private static (Linear Float, Tensor X) Setup(int inF, int outF, int rows, int seed)
    {
        var g = new Generator(seed);
        var linear = new Linear(inF, outF, generator: g);
        var x = Tensor.Randn(new Shape(rows, inF), generator: g);
        return (linear, x);
    }

    /// <summary>y = ((Σ (q_x − z_x)(q_w − z_w)) · s_x) · s_w[o] + b[o] from the observers' parameters, in float64.</summary>
    private static double[] Definition(DynamicQuantizedLinear q, Tensor x)
    {
        var xf = x.ToFloatArray();
        float min = xf.Min(), max = xf.Max();
        int quantMax = q.ReduceRange ? 127 : 255;
        var (sx, zx) = QParamsMath.Calculate(min, max, symmetric: false, QuantizedType.QUInt8, 0, quantMax);
        var qx = QuantizedTensor.Quantize(x, QuantParams.PerTensor(sx, zx, QuantizedType.QUInt8, 0, quantMax)).IntRepr.ToDoubleArray();
        var w = q.Weight.ToDoubleArray();
        var sw = q.WeightScale.ToDoubleArray();
        var zw = q.WeightZeroPoint.ToDoubleArray();
        var b = q.Bias!.ToDoubleArray();
        int rows = x.Shape[0], inF = q.InFeatures, outF = q.OutFeatures;
        var y = new double[rows * outF];
        for (int i = 0; i < rows; i++)
            for (int o = 0; o < outF; o++)
            {
                long acc = 0;
                int c = sw.Length == 1 ? 0 : o;
                for (int p = 0; p < inF; p++) acc += (long)(qx[i * inF + p] - zx) * (long)(w[o * inF + p] - zw[c]);
                y[i * outF + o] = acc * (double)(float)sx * sw[c] + b[o];
            }
        return y;
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void OutputIsTheQuantizedDefinitionAndCloseToFloat(bool perChannel, bool reduceRange)
    {
        var (linear, x) = Setup(37, 19, 9, 1);
        var q = DynamicQuantizedLinear.FromFloat(linear, perChannel, reduceRange);
        Assert.Equal(reduceRange, q.ReduceRange);
        Assert.Equal(DType.Int8, q.Weight.DType);
        Assert.Equal(perChannel ? 19 : 1, q.WeightScale.Numel);
        Assert.All(q.WeightZeroPoint.ToDoubleArray(), z => Assert.Equal(0, z));
        var y = q.Call(x).ToDoubleArray();
        var expected = Definition(q, x);
        for (int i = 0; i < y.Length; i++)
            Assert.True(Math.Abs(y[i] - expected[i]) <= 1e-5 * (1 + Math.Abs(expected[i])), $"y[{i}] = {y[i]}, definition {expected[i]}");
        var f = linear.Call(x).ToDoubleArray();
        double err = y.Zip(f, (a, b) => Math.Abs(a - b)).Max(), scale = f.Max(Math.Abs);
        Assert.True(err < 0.02 * scale, $"int8 error {err} against float outputs up to {scale}");
    }

    [Fact]
    public void FusedReluClampsTheOutput()
    {
        var (linear, x) = Setup(12, 9, 5, 4);
        var plain = DynamicQuantizedLinear.FromFloat(linear).Call(x).ToDoubleArray();
        var fused = DynamicQuantizedLinear.FromFloat(linear, relu: true).Call(x).ToDoubleArray();
        Assert.Contains(plain, v => v < 0);
        Assert.Equal(plain.Select(v => Math.Max(v, 0)), fused);
    }

    [Fact]
    public void MinMaxKernelMatchesTheScalarScan()
    {
        var rng = new Random(3);
        foreach (int n in new[] { 1, 7, 16, 17, 100 })
        {
            var x = Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 10 - 5)).ToArray();
            Assert.Equal((x.Min(), x.Max()), Descent.Kernels.Quantized.QuantizeKernels.MinMax(x));
            x[n / 2] = float.NaN;
            Assert.True(float.IsNaN(Descent.Kernels.Quantized.QuantizeKernels.MinMax(x).Min));
        }
        Assert.Equal((float.PositiveInfinity, float.NegativeInfinity), Descent.Kernels.Quantized.QuantizeKernels.MinMax([]));
    }

    [Fact]
    public void BatchDimensionsAndFloat64InputsAreKept()
    {
        var (linear, x) = Setup(8, 5, 6, 2);
        var q = DynamicQuantizedLinear.FromFloat(linear);
        var y3 = q.Call(x.Reshape(2, 3, 8));
        Assert.Equal(new Shape(2, 3, 5), y3.Shape);
        Assert.Equal(q.Call(x).ToDoubleArray(), y3.ToDoubleArray());
        var y64 = q.Call(x.To(DType.Float64));
        Assert.Equal(DType.Float64, y64.DType);
        Assert.Equal(q.Call(x).ToDoubleArray(), y64.ToDoubleArray());
        Assert.Equal(new Shape(0, 5), q.Call(Tensor.Zeros(new Shape(0, 8))).Shape);
    }

    [Fact]
    public void StateRoundTripsThroughSafetensorsAsInt8AndIsRepackedOnLoad()
    {
        var (linear, x) = Setup(16, 7, 4, 3);
        var q = DynamicQuantizedLinear.FromFloat(linear, perChannel: true);
        var bytes = SafeTensors.Serialize(q.StateDict());
        var file = SafeTensors.Deserialize(bytes);
        Assert.Equal(DType.Int8, file["weight"].DType);
        Assert.Equal(16 * 7 + 7 * 4 + 7 * 8 + 7 * 4, file.Sum(kv => kv.Value.Numel * kv.Value.DType.ElementSize()));
        var fresh = new DynamicQuantizedLinear(16, 7, bias: true, perChannel: true);
        Assert.NotEqual(q.Call(x).ToDoubleArray(), fresh.Call(x).ToDoubleArray());
        var state = new StateDict();
        foreach (var (k, v) in file) state.Add(k, v);
        fresh.LoadStateDict(state);
        Assert.Equal(q.Call(x).ToDoubleArray(), fresh.Call(x).ToDoubleArray());
    }

    [Fact]
    public void BadInputsNameTheLayer()
    {
        var q = DynamicQuantizedLinear.FromFloat(new Linear(4, 2));
        Assert.Contains("does not end in in_features = 4", Assert.Throws<ArgumentException>(() => q.Call(Tensor.Zeros(new Shape(2, 3)))).Message);
        Assert.Contains("must be float32 or float64", Assert.Throws<ArgumentException>(() => q.Call(Tensor.Zeros(new Shape(1, 4), DType.Int64))).Message);
        var nan = Tensor.Zeros(new Shape(1, 4));
        nan.SetDouble(2, double.NaN);
        Assert.Contains("DynamicQuantizedLinear: the input holds NaN", Assert.Throws<ArgumentException>(() => q.Call(nan)).Message);
    }

    [Fact]
    public void ReprNamesTheScheme()
    {
        Assert.Equal("DynamicQuantizedLinear(in_features=4, out_features=2, bias=True, dtype=torch.qint8, qscheme=torch.per_channel_symmetric, reduce_range=True)",
            DynamicQuantizedLinear.FromFloat(new Linear(4, 2), perChannel: true).ToString());
    }
}

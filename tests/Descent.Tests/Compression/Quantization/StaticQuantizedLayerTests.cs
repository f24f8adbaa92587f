using Descent.Compression.Quantization;
using Descent.NN;
using Descent.Serialization;
using Descent.Tensors;
using Descent.Tensors.Autograd;

namespace Descent.Tests.Compression.Quantization;

/// <summary>
/// QuantizedConv2d and QuantizedLinear (static quantization): the output is the quantized definition computed from
/// the layer's own buffers (exact integers, zero-point padding, float32 scaling), close to the float layer for
/// strides, dilations, "same" padding and CHW inputs; the int8 state survives a safetensors round trip; bad inputs
/// and parameters are rejected with the layer's name.
/// </summary>
public class StaticQuantizedLayerTests
{
    private static QuantParams InputParams(Tensor x, bool reduceRange = true)
    {
        var observer = new MinMaxObserver(QuantizedType.QUInt8, QScheme.PerTensorAffine, reduceRange);
        observer.Observe(x);
        return observer.CalculateQParams();
    }

    /// <summary>y[n, o, oh, ow] = (Σ (q_x − z_x)(q_w − z_w)) · s_x · s_w[o] + b[o] with q_x = z_x outside the image, in float64.</summary>
    private static double[] ConvDefinition(QuantizedConv2d q, Tensor x, int images, int height, int width)
    {
        float sx = q.InputScale.ToArray<float>()[0];
        int zx = (int)q.InputZeroPoint.ToArray<long>()[0];
        int quantMax = q.ReduceRange ? 127 : 255;
        var qx = QuantizedTensor.Quantize(x, QuantParams.PerTensor(sx, zx, QuantizedType.QUInt8, 0, quantMax)).IntRepr.ToDoubleArray();
        var w = q.Weight.ToDoubleArray();
        var sw = q.WeightScale.ToDoubleArray();
        var zw = q.WeightZeroPoint.ToDoubleArray();
        var b = q.Bias?.ToDoubleArray();
        int c = q.InChannels, kh = q.KernelSize.H, kw = q.KernelSize.W;
        int outH = (height + 2 * q.Padding.H + q.ExtraPadding.H - q.Dilation.H * (kh - 1) - 1) / q.Stride.H + 1;
        int outW = (width + 2 * q.Padding.W + q.ExtraPadding.W - q.Dilation.W * (kw - 1) - 1) / q.Stride.W + 1;
        var y = new double[images * q.OutChannels * outH * outW];
        for (int n = 0; n < images; n++)
            for (int o = 0; o < q.OutChannels; o++)
                for (int oh = 0; oh < outH; oh++)
                    for (int ow = 0; ow < outW; ow++)
                    {
                        long acc = 0;
                        for (int ci = 0; ci < c; ci++)
                            for (int i = 0; i < kh; i++)
                                for (int j = 0; j < kw; j++)
                                {
                                    int ih = oh * q.Stride.H - q.Padding.H + i * q.Dilation.H, iw = ow * q.Stride.W - q.Padding.W + j * q.Dilation.W;
                                    double xv = ih >= 0 && ih < height && iw >= 0 && iw < width ? qx[((n * c + ci) * height + ih) * width + iw] : zx;
                                    double wv = w[((o * c + ci) * kh + i) * kw + j];
                                    acc += (long)((xv - zx) * (wv - zw[q.PerChannel ? o : 0]));
                                }
                        double v = acc * (double)sx * sw[q.PerChannel ? o : 0] + (b?[o] ?? 0);
                        y[((n * q.OutChannels + o) * outH + oh) * outW + ow] = q.Relu ? Math.Max(v, 0) : v;
                    }
        return y;
    }

    private static void AssertClose(double[] expected, double[] actual, double relative, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = expected.Max(Math.Abs) + 1e-12;
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= relative * scale, $"{what}: element {i} is {actual[i]}, expected {expected[i]} (± {relative * scale})");
    }

    public static TheoryData<string> ConvCases() => ["plain", "padded-strided", "dilated-nobias", "same-even-kernel", "relu-fullrange", "chw"];

    [Theory]
    [MemberData(nameof(ConvCases))]
    public void ConvMatchesTheDefinitionAndTheFloatLayer(string name)
    {
        var g = new Generator(name.Length * 7 + 1);
        Conv2d conv = name switch
        {
            "padded-strided" => new Conv2d(3, 5, (3, 2), stride: (2, 1), padding: (1, 2), generator: g),
            "dilated-nobias" => new Conv2d(2, 4, 3, dilation: 2, padding: 1, bias: false, generator: g),
            "same-even-kernel" => new Conv2d(2, 6, 4, "same", generator: g),
            _ => new Conv2d(3, 7, 3, padding: 1, generator: g),
        };
        bool relu = name == "relu-fullrange", reduceRange = name != "relu-fullrange", chw = name == "chw";
        int images = chw ? 1 : 3, height = 9, width = 8;
        var x = Tensor.Randn(chw ? new Shape(conv.InChannels, height, width) : new Shape(images, conv.InChannels, height, width), generator: g);
        var q = QuantizedConv2d.FromFloat(conv, InputParams(x, reduceRange), perChannel: name != "plain", reduceRange, relu);
        using var _ = GradMode.Disable();
        var y = q.Call(x);
        var reference = conv.Call(x);
        if (relu) reference = Functional.Relu(reference);
        Assert.Equal(reference.Shape, y.Shape);
        AssertClose(ConvDefinition(q, x, images, height, width), y.ToDoubleArray(), 1e-6, name);
        // 7-bit activations and 8-bit weights: within a few percent of the float layer's range.
        AssertClose(reference.ToDoubleArray(), y.ToDoubleArray(), 0.05, name + " vs float");
    }

    [Fact]
    public void LinearMatchesTheFloatLayerAndTheDynamicDefinitionForTheSameInputParameters()
    {
        var g = new Generator(3);
        var linear = new Linear(37, 19, generator: g);
        var x = Tensor.Randn(new Shape(2, 5, 37), generator: g);
        var input = InputParams(x);
        var q = QuantizedLinear.FromFloat(linear, input);
        using var _ = GradMode.Disable();
        var y = q.Call(x);
        Assert.Equal(new Shape(2, 5, 19), y.Shape);
        // Calibrated on this very batch, the static layer computes what the dynamic one computes per batch.
        var dynamic = DynamicQuantizedLinear.FromFloat(linear, perChannel: true);
        AssertClose(dynamic.Call(x).ToDoubleArray(), y.ToDoubleArray(), 1e-6, "static vs dynamic");
        AssertClose(linear.Call(x).ToDoubleArray(), y.ToDoubleArray(), 0.03, "static vs float");
        Assert.Equal(DType.Float64, q.Call(x.To(DType.Float64)).DType);
    }

    [Fact]
    public void StateIsInt8AndSurvivesASafetensorsRoundTrip()
    {
        var g = new Generator(11);
        var conv = new Conv2d(4, 8, 3, padding: 1, generator: g);
        var x = Tensor.Randn(new Shape(2, 4, 6, 6), generator: g);
        var q = QuantizedConv2d.FromFloat(conv, InputParams(x), relu: true);
        var state = q.StateDict();
        Assert.Equal(["weight", "weight_scale", "weight_zero_point", "bias", "input_scale", "input_zero_point"], state.Keys);
        Assert.Equal(DType.Int8, state["weight"].DType);
        var path = Path.Combine(Path.GetTempPath(), $"descent-qconv-{Guid.NewGuid():N}.safetensors");
        try
        {
            SafeTensors.Save(path, state);
            var loaded = new QuantizedConv2d(4, 8, 3, padding: 1, relu: true);
            loaded.LoadStateDict(SafeTensors.Load(path));
            using var _ = GradMode.Disable();
            Assert.Equal(q.Call(x).ToArray<float>(), loaded.Call(x).ToArray<float>());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void BadInputsAndParametersAreRejectedWithTheLayerName()
    {
        var conv = new Conv2d(3, 4, 3, generator: new Generator(1));
        var x = Tensor.Randn(new Shape(1, 3, 5, 5), generator: new Generator(2));
        var q = QuantizedConv2d.FromFloat(conv, InputParams(x));
        Assert.Contains("QuantizedConv2d: expected an NCHW or CHW input with 3 channels", Assert.Throws<ArgumentException>(() => q.Call(Tensor.Zeros(new Shape(1, 2, 5, 5)))).Message);
        Assert.Contains("smaller than the kernel", Assert.Throws<ArgumentException>(() => q.Call(Tensor.Zeros(new Shape(1, 3, 2, 2)))).Message);
        Assert.Contains("float32 or float64", Assert.Throws<ArgumentException>(() => q.Call(Tensor.Zeros(new Shape(1, 3, 5, 5), DType.Int64))).Message);
        Assert.Contains("groups=2", Assert.Throws<ArgumentException>(() => QuantizedConv2d.FromFloat(new Conv2d(4, 4, 3, groups: 2), InputParams(x))).Message);
        var fullRange = InputParams(x, reduceRange: false);
        Assert.Contains("[0, 127]", Assert.Throws<ArgumentException>(() => QuantizedConv2d.FromFloat(conv, fullRange)).Message);
        var state = q.StateDict().Clone();
        state["input_scale"].Span<float>()[0] = 0f;
        Assert.Contains("input_scale 0", Assert.Throws<InvalidOperationException>(() => q.LoadStateDict(state)).Message);
        var linear = QuantizedLinear.FromFloat(new Linear(4, 2), InputParams(x));
        Assert.Contains("does not end in in_features = 4", Assert.Throws<ArgumentException>(() => linear.Call(Tensor.Zeros(new Shape(3, 5)))).Message);
    }
}

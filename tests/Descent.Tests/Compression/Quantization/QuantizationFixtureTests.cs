using System.Text.Json;
using Descent.Compression.Quantization;
using Descent.Kernels;
using Descent.Kernels.Quantized;
using Descent.Tensors;
using Descent.Tests.Fixtures;

namespace Descent.Tests.Compression.Quantization;

/// <summary>
/// Every case of quantization.json (PyTorch 1.13): quantize_per_tensor/per_channel (integers exact, dequantized values
/// to the single-op tolerance), the observers (min/max/scale as float32 results to 1e-6 relative, zero points exact,
/// and the effective range after reduce_range), fake quantization (output and the clipped straight-through gradient)
/// and the dynamic-quantized Linear's definition (every intermediate integer exact, y to the single-op tolerance,
/// DynamicQuantizedLinear's float32 output to the float32 tolerance). Float inputs run as Float64 and as Float32.
/// An unknown op, or an unknown field in a case, its config, inputs or outputs, fails the case.
/// </summary>
[Trait("Category", "Fixtures")]
[FixtureReader("quantization.json")]
[Collection("KernelConfig")]
public class QuantizationFixtureTests : PrecisionFixtureTests
{
    private const string File = "quantization.json";

    /// <summary>Float32 statistics written as float64: compared to ~1e-6 relative (tests/fixtures/README.md).</summary>
    private static readonly Tolerance Float32Result = new(1e-12, 1e-6);

    protected override void Run(string name, DType dtype)
    {
        var c = FixtureFiles.Case(File, name);
        AssertFields(c, name, "case", ["name", "op", "config", "inputs", "outputs", "notes"]);
        string op = c.GetProperty("op").GetString()!;
        var config = c.GetProperty("config");
        var inputs = c.GetProperty("inputs");
        var outputs = c.GetProperty("outputs");
        switch (op)
        {
            case "quantize_per_tensor":
                AssertFields(config, name, "config", ["dtype", "scale", "zero_point", "quant_min", "quant_max"]);
                AssertFields(inputs, name, "inputs", ["x"]);
                AssertFields(outputs, name, "outputs", ["int_repr", "dequantized"]);
                QuantizeCase(name, dtype, inputs, outputs, new QuantParams(
                    [(float)config.GetProperty("scale").GetDouble()], [config.GetProperty("zero_point").GetInt32()], null,
                    QuantizedTypeExtensions.Parse(config.GetProperty("dtype").GetString()!),
                    config.GetProperty("quant_min").GetInt32(), config.GetProperty("quant_max").GetInt32()));
                break;
            case "quantize_per_channel":
                AssertFields(config, name, "config", ["dtype", "scales", "zero_points", "axis", "quant_min", "quant_max"]);
                AssertFields(inputs, name, "inputs", ["x"]);
                AssertFields(outputs, name, "outputs", ["int_repr", "dequantized"]);
                QuantizeCase(name, dtype, inputs, outputs, new QuantParams(
                    Floats(config.GetProperty("scales")), Ints(config.GetProperty("zero_points")), config.GetProperty("axis").GetInt32(),
                    QuantizedTypeExtensions.Parse(config.GetProperty("dtype").GetString()!),
                    config.GetProperty("quant_min").GetInt32(), config.GetProperty("quant_max").GetInt32()));
                break;
            case "observer":
                ObserverCase(name, dtype, config, inputs, outputs);
                break;
            case "fake_quantize_per_tensor_affine":
            case "fake_quantize_per_channel_affine":
                FakeQuantizeCase(name, op, dtype, config, inputs, outputs);
                break;
            case "dynamic_linear_reference":
                DynamicLinearCase(name, dtype, config, inputs, outputs);
                break;
            default:
                throw new InvalidDataException($"{File} case '{name}': unknown op '{op}'.");
        }
    }

    private static void QuantizeCase(string name, DType dtype, JsonElement inputs, JsonElement outputs, QuantParams qparams)
    {
        var x = FixtureJson.ToTensor(inputs.GetProperty("x"), dtype);
        var q = QuantizedTensor.Quantize(x, qparams);
        AssertIntegers(q.IntRepr, outputs.GetProperty("int_repr"), $"{name} int_repr");
        Tolerance.For(dtype, Tolerance.SingleOp).AssertClose(q.Dequantize(dtype), outputs.GetProperty("dequantized"), $"{name} dequantized");
    }

    private static void ObserverCase(string name, DType dtype, JsonElement config, JsonElement inputs, JsonElement outputs)
    {
        AssertFields(config, name, "config", ["observer", "dtype", "qscheme", "reduce_range", "quant_min", "quant_max", "eps", "averaging_constant", "ch_axis"]);
        AssertFields(inputs, name, "inputs", ["batches"]);
        AssertFields(outputs, name, "outputs", ["min_val", "max_val", "scale", "zero_point"]);
        var observer = BuildObserver(config, name);
        Assert.Equal(config.GetProperty("quant_min").GetInt32(), observer.QuantMin);
        Assert.Equal(config.GetProperty("quant_max").GetInt32(), observer.QuantMax);
        foreach (var batch in inputs.GetProperty("batches").EnumerateArray())
            observer.Observe(FixtureJson.ToTensor(batch, dtype));
        var (min, max) = observer switch
        {
            MinMaxObserver m => (new double[] { m.MinVal }, new double[] { m.MaxVal }),
            PerChannelMinMaxObserver p => (p.MinVal.Select(v => (double)v).ToArray(), p.MaxVal.Select(v => (double)v).ToArray()),
            _ => throw new InvalidDataException($"{name}: no statistics for {observer.GetType().Name}."),
        };
        Assert.Equal(FixtureJson.Shape(outputs.GetProperty("min_val")).Length == 0 ? 1 : FixtureJson.Shape(outputs.GetProperty("min_val"))[0], min.Length);
        Float32Result.AssertClose(min, FixtureJson.Data(outputs.GetProperty("min_val")), $"{name} min_val");
        Float32Result.AssertClose(max, FixtureJson.Data(outputs.GetProperty("max_val")), $"{name} max_val");
        var qparams = observer.CalculateQParams();
        Float32Result.AssertClose(qparams.Scales.Select(s => (double)s).ToArray(), FixtureJson.Data(outputs.GetProperty("scale")), $"{name} scale");
        Assert.Equal(Ints(outputs.GetProperty("zero_point")), qparams.ZeroPoints);
    }

    private static Observer BuildObserver(JsonElement config, string name)
    {
        var type = QuantizedTypeExtensions.Parse(config.GetProperty("dtype").GetString()!);
        var scheme = QSchemeExtensions.Parse(config.GetProperty("qscheme").GetString()!);
        bool reduceRange = config.GetProperty("reduce_range").GetBoolean();
        float eps = (float)config.GetProperty("eps").GetDouble();
        double? averaging = config.GetProperty("averaging_constant").ValueKind == JsonValueKind.Null ? null : config.GetProperty("averaging_constant").GetDouble();
        int? axis = config.GetProperty("ch_axis").ValueKind == JsonValueKind.Null ? null : config.GetProperty("ch_axis").GetInt32();
        string kind = config.GetProperty("observer").GetString()!;
        bool moving = kind.StartsWith("MovingAverage", StringComparison.Ordinal);
        Assert.True(moving == averaging is not null, $"{name}: {kind} with averaging_constant {averaging?.ToString() ?? "null"}.");
        return kind switch
        {
            "MinMaxObserver" or "MovingAverageMinMaxObserver" =>
                new MinMaxObserver(type, scheme, reduceRange, eps: eps, averagingConstant: averaging),
            "PerChannelMinMaxObserver" or "MovingAveragePerChannelMinMaxObserver" =>
                new PerChannelMinMaxObserver(axis ?? throw new InvalidDataException($"{name}: {kind} without ch_axis."), type, scheme, reduceRange,
                    eps: eps, averagingConstant: averaging),
            _ => throw new InvalidDataException($"{File} case '{name}': unknown observer '{kind}'."),
        };
    }

    private static void FakeQuantizeCase(string name, string op, DType dtype, JsonElement config, JsonElement inputs, JsonElement outputs)
    {
        bool perChannel = op == "fake_quantize_per_channel_affine";
        AssertFields(config, name, "config", perChannel
            ? ["scales", "zero_points", "axis", "quant_min", "quant_max"]
            : ["scale", "zero_point", "quant_min", "quant_max"]);
        AssertFields(inputs, name, "inputs", ["x", "grad_output"]);
        AssertFields(outputs, name, "outputs", ["output", "grad_input"]);
        var x = FixtureJson.ToTensor(inputs.GetProperty("x"), dtype);
        x.RequiresGrad = true;
        int qmin = config.GetProperty("quant_min").GetInt32(), qmax = config.GetProperty("quant_max").GetInt32();
        var y = perChannel
            ? FakeQuantize.PerChannelAffine(x, Floats(config.GetProperty("scales")), Ints(config.GetProperty("zero_points")),
                config.GetProperty("axis").GetInt32(), qmin, qmax)
            : FakeQuantize.PerTensorAffine(x, (float)config.GetProperty("scale").GetDouble(), config.GetProperty("zero_point").GetInt32(), qmin, qmax);
        var tol = Tolerance.For(dtype, Tolerance.SingleOp);
        tol.AssertClose(y, outputs.GetProperty("output"), $"{name} output");
        (y * FixtureJson.ToTensor(inputs.GetProperty("grad_output"), dtype)).Sum().Backward();
        tol.AssertClose(x.Grad!, outputs.GetProperty("grad_input"), $"{name} grad_input");
    }

    private static void DynamicLinearCase(string name, DType dtype, JsonElement config, JsonElement inputs, JsonElement outputs)
    {
        AssertFields(config, name, "config", ["in_features", "out_features", "bias", "weight_observer", "activation_observer"]);
        AssertFields(inputs, name, "inputs", ["x", "weight", "bias"]);
        AssertFields(outputs, name, "outputs", ["w_scales", "w_zero_points", "q_w", "x_scale", "x_zero_point", "q_x", "y", "y_float"]);
        var wConfig = config.GetProperty("weight_observer");
        var xConfig = config.GetProperty("activation_observer");
        AssertFields(wConfig, name, "config.weight_observer", ["observer", "dtype", "qscheme", "ch_axis", "quant_min", "quant_max"]);
        AssertFields(xConfig, name, "config.activation_observer", ["observer", "dtype", "qscheme", "reduce_range", "quant_min", "quant_max"]);
        Assert.Equal("PerChannelMinMaxObserver", wConfig.GetProperty("observer").GetString());
        Assert.Equal("MinMaxObserver", xConfig.GetProperty("observer").GetString());
        int inF = config.GetProperty("in_features").GetInt32(), outF = config.GetProperty("out_features").GetInt32();
        Assert.True(config.GetProperty("bias").GetBoolean(), $"{name}: the reader handles bias = true only.");

        var x = FixtureJson.ToTensor(inputs.GetProperty("x"), dtype);
        var w = FixtureJson.ToTensor(inputs.GetProperty("weight"), dtype);
        var bias = FixtureJson.ToTensor(inputs.GetProperty("bias"), DType.Float64).ToDoubleArray();
        var wObserver = new PerChannelMinMaxObserver(wConfig.GetProperty("ch_axis").GetInt32(),
            QuantizedTypeExtensions.Parse(wConfig.GetProperty("dtype").GetString()!), QSchemeExtensions.Parse(wConfig.GetProperty("qscheme").GetString()!));
        var xObserver = new MinMaxObserver(QuantizedTypeExtensions.Parse(xConfig.GetProperty("dtype").GetString()!),
            QSchemeExtensions.Parse(xConfig.GetProperty("qscheme").GetString()!), xConfig.GetProperty("reduce_range").GetBoolean());
        Assert.Equal((wConfig.GetProperty("quant_min").GetInt32(), wConfig.GetProperty("quant_max").GetInt32()), (wObserver.QuantMin, wObserver.QuantMax));
        Assert.Equal((xConfig.GetProperty("quant_min").GetInt32(), xConfig.GetProperty("quant_max").GetInt32()), (xObserver.QuantMin, xObserver.QuantMax));

        wObserver.Observe(w);
        xObserver.Observe(x);
        var wq = wObserver.CalculateQParams();
        var xq = xObserver.CalculateQParams();
        Float32Result.AssertClose(wq.Scales.Select(s => (double)s).ToArray(), FixtureJson.Data(outputs.GetProperty("w_scales")), $"{name} w_scales");
        Assert.Equal(Ints(outputs.GetProperty("w_zero_points")), wq.ZeroPoints);
        Float32Result.AssertClose(xq.Scales[0], outputs.GetProperty("x_scale").GetDouble(), $"{name} x_scale");
        Assert.Equal(outputs.GetProperty("x_zero_point").GetInt32(), xq.ZeroPoints[0]);
        var qw = QuantizedTensor.Quantize(w, wq);
        var qx = QuantizedTensor.Quantize(x, xq);
        AssertIntegers(qw.IntRepr, outputs.GetProperty("q_w"), $"{name} q_w");
        AssertIntegers(qx.IntRepr, outputs.GetProperty("q_x"), $"{name} q_x");

        // The exact integer accumulation through the int8 GEMM, on every SIMD path, then the definition's float64 tail.
        int rows = x.Numel / inF;
        var packed = Int8PackedMatrix.Pack(qw.IntRepr.Span<sbyte>(), outF, inF, wq.ZeroPoints);
        var offsets = qx.IntRepr.Span<byte>().ToArray().Select(v => (short)(v - xq.ZeroPoints[0])).ToArray();
        var y = FixtureJson.ToTensor(outputs.GetProperty("y"), DType.Float64).ToDoubleArray();
        foreach (var level in new[] { SimdLevel.Scalar, SimdLevel.Vector256, SimdLevel.Vector512 })
        {
            using var _ = KernelConfig.Force(level);
            var acc = new int[rows * outF];
            Int8Gemm.MultiplyToInt32(rows, offsets, inF, packed, acc, outF);
            var result = new double[acc.Length];
            for (int i = 0; i < rows; i++)
                for (int o = 0; o < outF; o++)
                    result[i * outF + o] = acc[i * outF + o] * (double)xq.Scales[0] * wq.Scales[o] + bias[o];
            Tolerance.SingleOp.AssertClose(result, y, $"{name} y ({KernelConfig.Simd})");
        }

        // The module: per-channel dynamic Linear built from the float layer, full-range activations (the definition's), float32 output.
        var linear = new Descent.NN.Linear(inF, outF, dtype: dtype);
        linear.LoadStateDict(new Descent.NN.StateDict { { "weight", w }, { "bias", FixtureJson.ToTensor(inputs.GetProperty("bias"), dtype) } });
        var module = DynamicQuantizedLinear.FromFloat(linear, perChannel: true, reduceRange: xObserver.ReduceRange);
        var output = module.Call(x);
        Assert.Equal(dtype, output.DType);
        Tolerance.Float32.AssertClose(output.ToDoubleArray(), y, $"{name} DynamicQuantizedLinear");
        Tolerance.For(dtype, Tolerance.SingleOp).AssertClose(linear.Call(x), outputs.GetProperty("y_float"), $"{name} y_float");
    }

    private static void AssertFields(JsonElement obj, string name, string where, string[] known)
    {
        var unknown = obj.EnumerateObject().Select(p => p.Name).Where(n => !known.Contains(n)).ToList();
        Assert.True(unknown.Count == 0, $"{File} case '{name}': unknown {where} field(s) {string.Join(", ", unknown)}; the reader must be taught them.");
        var missing = known.Where(k => !obj.TryGetProperty(k, out _)).ToList();
        Assert.True(missing.Count == 0, $"{File} case '{name}': {where} lacks {string.Join(", ", missing)}.");
    }

    private static void AssertIntegers(Tensor actual, JsonElement expected, string what)
    {
        Assert.True(actual.Shape == new Shape(FixtureJson.Shape(expected)), $"{what}: shape {actual.Shape}, expected {new Shape(FixtureJson.Shape(expected))}.");
        var a = actual.ToDoubleArray();
        var e = FixtureJson.Data(expected);
        for (int i = 0; i < e.Length; i++)
            Assert.True(a[i] == e[i], $"{what}[{i}]: got {a[i]}, expected {e[i]}.");
    }

    private static float[] Floats(JsonElement tensor) => FixtureJson.Data(tensor).Select(v => (float)v).ToArray();

    private static int[] Ints(JsonElement tensor) => FixtureJson.Data(tensor).Select(v => checked((int)v)).ToArray();
}

using System.Text.Json;
using Descent.Tensors;

namespace Descent.Tests.Tensors.Ops;

/// <summary>
/// The functional NN ops against the PyTorch golden fixtures (tests/fixtures, or the folder in DESCENT_FIXTURES):
/// the Conv2d, ConvTranspose2d, MaxPool2d, AvgPool2d, AdaptiveAvgPool2d and Embedding cases of layers.json and
/// the Softmax/LogSoftmax cases of activations.json, forward and backward, in float64 (tight) and float32 (loose).
/// </summary>
public class NNFixtureTests
{
    private static readonly string[] LayerModules = ["Conv2d", "ConvTranspose2d", "MaxPool2d", "AvgPool2d", "AdaptiveAvgPool2d", "Embedding"];

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var (file, modules) in new[] { ("layers", LayerModules), ("activations", new[] { "Softmax", "LogSoftmax" }) })
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(FixturePath(file)));
            foreach (var c in doc.RootElement.GetProperty("cases").EnumerateArray())
                if (modules.Contains(c.GetProperty("module").GetString()))
                    data.Add(file, c.GetProperty("name").GetString()!);
        }
        return data;
    }

    private static string FixturePath(string file)
    {
        var dir = Environment.GetEnvironmentVariable("DESCENT_FIXTURES");
        if (string.IsNullOrEmpty(dir)) dir = Path.Combine(AppContext.BaseDirectory, "fixtures");
        return Path.Combine(dir, file + ".json");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorch(string file, string name)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(FixturePath(file)));
        var c = doc.RootElement.GetProperty("cases").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);
        foreach (var dtype in new[] { DType.Float64, DType.Float32 })
        {
            var (atol, rtol) = dtype == DType.Float64 ? (1e-10, 1e-8) : (1e-5, 1e-4);
            var inputs = Tensors(c, "inputs", dtype);
            var parameters = Tensors(c, "params", dtype);
            var outputs = Run(c.GetProperty("module").GetString()!, c.GetProperty("config"), inputs, parameters);
            var upstream = Tensors(c, "grad_outputs", dtype);
            Tensor? loss = null;
            foreach (var (key, expected) in Tensors(c, "outputs", DType.Float64))
            {
                var actual = outputs[key];
                Assert.Equal(expected.Shape, actual.Shape);
                if (expected.DType == DType.Int64) Assert.Equal(Reference(c, "outputs", key), actual.ToDoubleArray());
                else NNTestData.Close(expected.ToDoubleArray(), actual.ToDoubleArray(), atol, rtol, $"{name} {dtype} {key}");
                if (upstream.TryGetValue(key, out var u))
                {
                    var term = (actual * u).Sum();
                    loss = loss is null ? term : loss + term;
                }
            }
            loss!.Backward();
            foreach (var (section, tensors) in new[] { ("grad_inputs", inputs), ("grad_params", parameters) })
                foreach (var (key, expected) in Tensors(c, section, DType.Float64))
                    NNTestData.Close(expected.ToDoubleArray(), tensors[key].Grad!.ToDoubleArray(), atol, rtol, $"{name} {dtype} {section}.{key}");
        }
    }

    private static Dictionary<string, Tensor> Run(string module, JsonElement config, Dictionary<string, Tensor> inputs,
        Dictionary<string, Tensor> parameters)
    {
        Tensor? bias = parameters.GetValueOrDefault("bias");
        switch (module)
        {
            case "Conv2d":
                return new() { ["output"] = Tensor.Conv2d(inputs["input"], parameters["weight"], bias, Pair(config, "stride"),
                    Pair(config, "padding"), Pair(config, "dilation"), config.GetProperty("groups").GetInt32()) };
            case "ConvTranspose2d":
                return new() { ["output"] = Tensor.ConvTranspose2d(inputs["input"], parameters["weight"], bias, Pair(config, "stride"),
                    Pair(config, "padding"), Pair(config, "output_padding"), config.GetProperty("groups").GetInt32(), Pair(config, "dilation")) };
            case "MaxPool2d":
                var (values, indices) = Tensor.MaxPool2dWithIndices(inputs["input"], Pair(config, "kernel_size"), Pair(config, "stride"),
                    Pair(config, "padding"), Pair(config, "dilation"), config.GetProperty("ceil_mode").GetBoolean());
                return new() { ["output"] = values, ["indices"] = indices };
            case "AvgPool2d":
                var divisor = config.GetProperty("divisor_override");
                return new() { ["output"] = Tensor.AvgPool2d(inputs["input"], Pair(config, "kernel_size"), Pair(config, "stride"),
                    Pair(config, "padding"), config.GetProperty("ceil_mode").GetBoolean(), config.GetProperty("count_include_pad").GetBoolean(),
                    divisor.ValueKind == JsonValueKind.Null ? null : (int)divisor.GetDouble()) };
            case "AdaptiveAvgPool2d":
                return new() { ["output"] = Tensor.AdaptiveAvgPool2d(inputs["input"], Pair(config, "output_size")) };
            case "Embedding":
                var pad = config.GetProperty("padding_idx");
                return new() { ["output"] = Tensor.Embedding(parameters["weight"], inputs["indices"],
                    pad.ValueKind == JsonValueKind.Null ? null : (int)pad.GetDouble()) };
            case "Softmax":
                return new() { ["output"] = Tensor.Softmax(inputs["input"], config.GetProperty("dim").GetInt32()) };
            case "LogSoftmax":
                return new() { ["output"] = Tensor.LogSoftmax(inputs["input"], config.GetProperty("dim").GetInt32()) };
            default:
                throw new InvalidOperationException($"no functional op for module {module}");
        }
    }

    private static Size2 Pair(JsonElement config, string key)
    {
        var v = config.GetProperty(key);
        return v.ValueKind == JsonValueKind.Array ? (v[0].GetInt32(), v[1].GetInt32()) : v.GetInt32();
    }

    private static double[] Reference(JsonElement c, string section, string key) =>
        c.GetProperty(section).GetProperty(key).GetProperty("data").EnumerateArray().Select(e => e.GetDouble()).ToArray();

    /// <summary>The tensors of one section; float tensors converted to <paramref name="dtype"/> and made leaves that require grad.</summary>
    private static Dictionary<string, Tensor> Tensors(JsonElement c, string section, DType dtype)
    {
        var result = new Dictionary<string, Tensor>();
        if (!c.TryGetProperty(section, out var s)) return result;
        foreach (var p in s.EnumerateObject())
        {
            var shape = p.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            var data = p.Value.GetProperty("data").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            if (p.Value.GetProperty("dtype").GetString() == "int64")
            {
                result[p.Name] = Tensor.FromArray(data.Select(v => (long)v).ToArray(), shape);
                continue;
            }
            var t = Tensor.FromArray(data, shape);
            if (dtype != DType.Float64) t = t.To(dtype);
            result[p.Name] = section is "inputs" or "params" ? t.RequiresGradInPlace() : t;
        }
        return result;
    }
}

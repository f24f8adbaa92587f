using System.Text.Json;
using Descent.Tensors;

namespace Descent.Tests.Tensors.Ops;

/// <summary>sigmoid, tanh and softplus (forward and backward) against the PyTorch 1.13 float64 fixtures (activations.json).</summary>
public class ActivationFixtureTests
{
    private static IEnumerable<JsonElement> Cases(string module)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "fixtures", "activations.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        foreach (var c in doc.RootElement.GetProperty("cases").EnumerateArray())
            if (c.GetProperty("module").GetString() == module) yield return c.Clone();
    }

    private static Tensor Read(JsonElement t)
    {
        var shape = t.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var data = t.GetProperty("data").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        return Tensor.FromArray(data, shape);
    }

    private static void AssertClose(Tensor expected, Tensor actual, string what)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        var e = expected.ToDoubleArray();
        var a = actual.ToDoubleArray();
        for (int i = 0; i < e.Length; i++)
            Assert.True(Math.Abs(a[i] - e[i]) <= 1e-10 + 1e-8 * Math.Abs(e[i]), $"{what}[{i}]: expected {e[i]:R}, got {a[i]:R}");
    }

    [Theory]
    [InlineData("Sigmoid")]
    [InlineData("Tanh")]
    [InlineData("Softplus")]
    public void ForwardAndBackwardMatchPyTorch(string module)
    {
        int count = 0;
        foreach (var c in Cases(module))
        {
            var x = Read(c.GetProperty("inputs").GetProperty("input")).RequiresGradInPlace();
            var config = c.GetProperty("config");
            var y = module switch
            {
                "Sigmoid" => Tensor.Sigmoid(x),
                "Tanh" => Tensor.Tanh(x),
                _ => Tensor.Softplus(x, config.GetProperty("beta").GetDouble(), config.GetProperty("threshold").GetDouble()),
            };
            string name = c.GetProperty("name").GetString()!;
            AssertClose(Read(c.GetProperty("outputs").GetProperty("output")), y, name + " output");
            y.Backward(Read(c.GetProperty("grad_outputs").GetProperty("output")));
            AssertClose(Read(c.GetProperty("grad_inputs").GetProperty("input")), x.Grad!, name + " grad");
            count++;
        }
        Assert.True(count > 0, $"no {module} case in activations.json");
    }
}

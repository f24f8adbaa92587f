using System.Text.Json;
using Descent.Optim;
using Descent.Tensors;
using Descent.Tests.Fixtures;

namespace Descent.Tests.Optim;

/// <summary>
/// Every case of utilities.json: clip_grad_norm_ (total norm and clipped gradients), clip_grad_value_, and the L1/L2
/// penalties (value and gradient through autograd), in Float64 (single-op tolerance) and Float32.
/// </summary>
[Trait("Category", "Fixtures")]
[FixtureReader("utilities.json")]
public class UtilitiesFixtureTests : PrecisionFixtureTests
{
    private const string File = "utilities.json";

    protected override void Run(string name, DType dtype)
    {
        var c = FixtureFiles.Case(File, name);
        var tol = Tolerance.For(dtype, Tolerance.SingleOp);
        var config = c.GetProperty("config");
        var inputs = c.GetProperty("inputs");
        var outputs = c.GetProperty("outputs");
        string function = c.GetProperty("function").GetString()!;
        switch (function)
        {
            case "clip_grad_norm_":
            {
                RequireKeys(config, name, "max_norm", "norm_type", "error_if_nonfinite");
                var ps = WithGrads(inputs.GetProperty("grads"), dtype);
                var nt = config.GetProperty("norm_type");
                double normType = nt.ValueKind == JsonValueKind.String
                    ? nt.GetString() == "inf" ? double.PositiveInfinity : throw new InvalidOperationException($"{name}: norm_type '{nt.GetString()}'")
                    : nt.GetDouble();
                double total = Clipping.ClipGradNorm(ps, config.GetProperty("max_norm").GetDouble(), normType,
                    config.GetProperty("error_if_nonfinite").GetBoolean());
                tol.AssertClose(total, FixtureJson.Data(outputs.GetProperty("total_norm"))[0], $"{name} total_norm");
                AssertGrads(ps, outputs.GetProperty("grads"), tol, name);
                break;
            }
            case "clip_grad_value_":
            {
                RequireKeys(config, name, "clip_value");
                var ps = WithGrads(inputs.GetProperty("grads"), dtype);
                Clipping.ClipGradValue(ps, config.GetProperty("clip_value").GetDouble());
                AssertGrads(ps, outputs.GetProperty("grads"), tol, name);
                break;
            }
            case "penalty":
            {
                RequireKeys(config, name, "kind", "lambda", "formula");
                var ws = FixtureJson.ToTensors(inputs.GetProperty("weights"), dtype);
                foreach (var w in ws) w.RequiresGrad = true;
                var kind = config.GetProperty("kind").GetString() switch
                {
                    "L1" => PenaltyKind.L1,
                    "L2" => PenaltyKind.L2,
                    "L2_half" => PenaltyKind.L2Half,
                    var other => throw new InvalidOperationException($"{name}: unknown penalty kind '{other}'."),
                };
                var penalty = Penalties.Penalty(kind, ws, config.GetProperty("lambda").GetDouble());
                Assert.Equal(dtype, penalty.DType);
                tol.AssertClose(penalty, outputs.GetProperty("penalty"), $"{name} penalty");
                penalty.Backward();
                var expected = c.GetProperty("grad_inputs").GetProperty("weights");
                for (int i = 0; i < ws.Length; i++)
                    tol.AssertClose(ws[i].Grad!, expected[i], $"{name} d penalty / d weight {i}");
                break;
            }
            default:
                throw new InvalidOperationException($"{name}: unknown utility function '{function}'.");
        }
    }

    private static Tensor[] WithGrads(JsonElement grads, DType dtype)
    {
        var gs = FixtureJson.ToTensors(grads, dtype);
        var ps = new Tensor[gs.Length];
        for (int i = 0; i < gs.Length; i++)
        {
            ps[i] = Tensor.Zeros(gs[i].Shape, dtype).RequiresGradInPlace();
            ps[i].Grad = gs[i];
        }
        return ps;
    }

    private static void AssertGrads(Tensor[] ps, JsonElement expected, Tolerance tol, string name)
    {
        Assert.Equal(expected.GetArrayLength(), ps.Length);
        for (int i = 0; i < ps.Length; i++)
            tol.AssertClose(ps[i].Grad!, expected[i], $"{name} grad {i}");
    }

    /// <summary>An unknown config entry means the fixture tests something this code does not implement: fail.</summary>
    private static void RequireKeys(JsonElement config, string name, params string[] known)
    {
        foreach (var p in config.EnumerateObject())
            Assert.True(known.Contains(p.Name), $"{name}: unknown config entry '{p.Name}' (known: {string.Join(", ", known)}).");
    }
}

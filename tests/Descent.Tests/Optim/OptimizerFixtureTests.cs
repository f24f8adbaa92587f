using System.Text.Json;
using Descent.Optim;
using Descent.Tensors;
using Descent.Tests.Fixtures;

namespace Descent.Tests.Optim;

/// <summary>
/// Every case of optimizers.json: recorded gradients fed for num_steps steps; parameters and the full optimizer state
/// compared after each step, in Float64 (trajectory tolerance) and Float32 (relative 1e-4).
/// </summary>
[Trait("Category", "Fixtures")]
[FixtureReader("optimizers.json")]
public class OptimizerFixtureTests : PrecisionFixtureTests
{
    private const string File = "optimizers.json";

    protected override void Run(string name, DType dtype)
    {
        var c = FixtureFiles.Case(File, name);
        var tol = Tolerance.For(dtype, Tolerance.Trajectory);
        var ps = FixtureJson.ToTensors(c.GetProperty("params_init"), dtype);
        foreach (var p in ps) p.RequiresGrad = true;
        var opt = OptimizerFactory.Create(c.GetProperty("optimizer").GetString()!, ps,
            FixtureJson.ToDictionary(c.GetProperty("hyperparams")));

        int steps = c.GetProperty("num_steps").GetInt32();
        var grads = c.GetProperty("grads");
        var after = c.GetProperty("params_after_step");
        var states = c.GetProperty("state_after_step");
        for (int k = 0; k < steps; k++)
        {
            var gk = FixtureJson.ToTensors(grads[k], dtype);
            for (int i = 0; i < ps.Length; i++) ps[i].Grad = gk[i];
            opt.Step();
            for (int i = 0; i < ps.Length; i++)
                tol.AssertClose(ps[i], after[k][i], $"{name} step {k + 1} param {i}");
            AssertState(opt.StateDict(), states[k], tol, $"{name} step {k + 1}");
        }
    }

    /// <summary>Our state dict must hold exactly PyTorch's entries, with matching values.</summary>
    internal static void AssertState(OptimizerStateDict actual, JsonElement expected, Tolerance tol, string what)
    {
        int i = 0;
        foreach (var entry in expected.EnumerateArray())
        {
            Assert.True(actual.State.TryGetValue(i, out var ours), $"{what}: no state for parameter {i}.");
            var names = entry.EnumerateObject().Select(p => p.Name).Order().ToArray();
            Assert.Equal(names, ours!.Keys.Order().ToArray());
            foreach (var p in entry.EnumerateObject())
            {
                var v = ours[p.Name];
                string at = $"{what} param {i} state '{p.Name}'";
                switch (p.Value.ValueKind)
                {
                    case JsonValueKind.Null:
                        Assert.True(v is null, $"{at}: expected null, got {v}.");
                        break;
                    case JsonValueKind.Number:
                        tol.AssertClose(Assert.IsType<double>(v), p.Value.GetDouble(), at);
                        break;
                    default:
                        tol.AssertClose(Assert.IsType<Tensor>(v), p.Value, at);
                        break;
                }
            }
            i++;
        }
    }
}

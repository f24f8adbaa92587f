using System.Text.Json;
using Descent.NN;
using Descent.Optim;
using Descent.Tensors;
using Descent.Tests.Fixtures;

namespace Descent.Tests.Optim;

/// <summary>
/// Every case of training.json: tiny full-batch runs (Linear–ReLU–Linear with SGD or Adam, with BatchNorm1d, and
/// linear regression) through the NN modules and these optimizers; the loss of each step, every parameter and buffer
/// after each step, the final state, and eval-mode outputs are compared, in Float64 and Float32.
/// </summary>
[Trait("Category", "Fixtures")]
[FixtureReader("training.json")]
public class TrainingFixtureTests : PrecisionFixtureTests
{
    private const string File = "training.json";

    protected override void Run(string name, DType dtype)
    {
        var c = FixtureFiles.Case(File, name);
        var tol = Tolerance.For(dtype, Tolerance.Trajectory);
        Assert.Equal("MSELoss(reduction='mean')", c.GetProperty("loss").GetString());
        var model = Build(c.GetProperty("model"), dtype);
        model.LoadStateDict(ToStateDict(c.GetProperty("init_state"), dtype));
        model.Train();
        var spec = c.GetProperty("optimizer");
        var opt = OptimizerFactory.Create(spec.GetProperty("type").GetString()!, model.Parameters(),
            FixtureJson.ToDictionary(spec.GetProperty("hyperparams")));
        var mse = new MSELoss();
        var x = FixtureJson.ToTensor(c.GetProperty("data").GetProperty("X"), dtype);
        var y = FixtureJson.ToTensor(c.GetProperty("data").GetProperty("y"), dtype);
        var losses = FixtureJson.Doubles(c.GetProperty("losses"));
        int steps = c.GetProperty("num_steps").GetInt32();
        Assert.Equal(steps, losses.Length);
        bool regression = c.GetProperty("kind").GetString() == "linear_regression";
        var trajectory = regression ? c.GetProperty("trajectory").EnumerateArray().ToList() : [];

        for (int k = 0; k < steps; k++)
        {
            if (regression) CheckTrajectory(model, trajectory, k, tol, name);
            using var scope = StepScope.Begin();
            opt.ZeroGrad();
            var loss = mse.Call(model.Call(x), y);
            tol.AssertClose(loss.Item(), losses[k], $"{name} loss of step {k + 1}");
            loss.Backward();
            opt.Step();
            if (!regression)
                AssertState(model, c.GetProperty("state_after_step")[k], tol, $"{name} after step {k + 1}");
        }
        if (regression) CheckTrajectory(model, trajectory, steps, tol, name);
        AssertState(model, c.GetProperty("final_state"), tol, $"{name} final state");

        if (c.TryGetProperty("eval", out var eval))
        {
            model.Eval();
            int rows = eval.GetProperty("rows").GetInt32();
            tol.AssertClose(model.Call(x.Narrow(0, 0, rows)), eval.GetProperty("output"), $"{name} eval output");
            tol.AssertClose(mse.Call(model.Call(x), y).Item(), eval.GetProperty("full_loss").GetDouble(), $"{name} eval loss");
        }
    }

    private static Module Build(JsonElement layers, DType dtype)
    {
        var modules = new List<Module>();
        foreach (var layer in layers.EnumerateArray())
        {
            var r = FixtureJson.ToDictionary(layer);
            string type = (string)r["type"]!;
            var known = type switch
            {
                "Linear" => new[] { "type", "prefix", "in_features", "out_features", "bias" },
                "ReLU" => ["type", "prefix"],
                "BatchNorm1d" => ["type", "prefix", "num_features", "eps", "momentum", "affine"],
                _ => throw new InvalidOperationException($"training.json: unknown layer type '{type}'."),
            };
            foreach (var key in r.Keys)
                Assert.True(known.Contains(key), $"training.json: unknown {type} setting '{key}'.");
            modules.Add(type switch
            {
                "Linear" => new Linear(Int(r["in_features"]), Int(r["out_features"]), (bool)r["bias"]!, dtype),
                "ReLU" => new ReLU(),
                _ => new BatchNorm1d(Int(r["num_features"]), (double)r["eps"]!, (double?)r["momentum"], (bool)r["affine"]!, dtype: dtype),
            });
            // A single layer with prefix "" is the model itself (state keys "weight", "bias").
            if ((string)r["prefix"]! == "") return modules[0];
            Assert.Equal(modules.Count - 1, int.Parse((string)r["prefix"]!, System.Globalization.CultureInfo.InvariantCulture));
        }
        return new Sequential([.. modules]);
    }

    private static int Int(object? v) => (int)(double)v!;

    private static StateDict ToStateDict(JsonElement obj, DType dtype)
    {
        var sd = new StateDict();
        foreach (var (key, tensor) in FixtureJson.ToTensorDictionary(obj, dtype)) sd.Add(key, tensor);
        return sd;
    }

    private static void AssertState(Module model, JsonElement expected, Tolerance tol, string what)
    {
        var state = model.StateDict();
        Assert.Equal(expected.EnumerateObject().Select(p => p.Name).Order(), state.Keys.Order());
        foreach (var p in expected.EnumerateObject())
        {
            if (p.Value.GetProperty("dtype").GetString() == "int64")
                Assert.Equal(FixtureJson.Data(p.Value), state[p.Name].ToDoubleArray());
            else
                tol.AssertClose(state[p.Name], p.Value, $"{what} '{p.Name}'");
        }
    }

    private static void CheckTrajectory(Module model, List<JsonElement> trajectory, int epoch, Tolerance tol, string name)
    {
        foreach (var point in trajectory)
        {
            if (point.GetProperty("epoch").GetInt32() != epoch) continue;
            var state = model.StateDict();
            tol.AssertClose(state["weight"].Item(), point.GetProperty("w").GetDouble(), $"{name} w at epoch {epoch}");
            tol.AssertClose(state["bias"].Item(), point.GetProperty("b").GetDouble(), $"{name} b at epoch {epoch}");
        }
    }
}

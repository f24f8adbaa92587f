using Descent.Optim;
using Descent.Search.Trace;
using Descent.Tests.Optim;
using Descent.Tuning;

namespace Descent.Tests.Search.Trace;

/// <summary>
/// Optimizer traces: every optimizer name of experiment files and every textbook preset, its state columns, its
/// hyperparameters by experiment-file name, and the benchmark surfaces as traced functions.
/// </summary>
public class OptimizerTraceTests
{
    [Fact]
    public void EveryMethodHasItsStateColumnsAndConverges()
    {
        var f = Expression.Parse("(x - 1)^2 + 2*(y + 0.5)^2");
        string[] adam = ["grad", "m", "v", "m_hat", "v_hat", "theta", "loss"];
        var expected = new Dictionary<string, string[]>
        {
            ["gd"] = ["grad", "theta", "loss"],
            ["momentum-ema"] = ["grad", "v", "theta", "loss"],
            ["sgd-momentum"] = ["grad", "v", "theta", "loss"],
            ["nesterov"] = ["grad", "v", "theta", "loss"],
            ["sgd"] = ["grad", "theta", "loss"],   // PyTorch's default momentum 0 keeps no buffer
            ["adagrad"] = ["grad", "sum", "theta", "loss"],
            ["rmsprop"] = ["grad", "v", "theta", "loss"],
            ["adam"] = adam,
            ["adamw"] = adam,
            ["adamax"] = ["grad", "m", "u", "theta", "loss"],
            ["nadam"] = ["grad", "m", "v", "theta", "loss"],
            ["radam"] = ["grad", "m", "v", "theta", "loss"],
            ["adadelta"] = ["grad", "v", "u", "theta", "loss"],
            ["gradientdescent"] = ["grad", "theta", "loss"],
        };
        // Other tests may have registered more optimizers with the factory; these are the built-in ones.
        Assert.Subset(OptimizerTrace.Methods.ToHashSet(), expected.Keys.ToHashSet());
        Assert.Equal(expected.Keys, OptimizerTrace.Methods.Take(expected.Count));
        // The experiment files' names, in any case, are all accepted.
        Assert.All(OptimizerFactory.Names, n => Assert.Contains(n, OptimizerTrace.Methods, StringComparer.OrdinalIgnoreCase));
        foreach (var (method, columns) in expected)
        {
            double lr = method switch { "adagrad" => 0.5, "adadelta" => 50, _ => 0.05 };
            var t = OptimizerTrace.Run(method, f, [3.0, 2.0], new TraceSettings { Lr = lr, Steps = 400 });
            Assert.Equal(columns, t.Columns.Select(c => c.Key));
            Assert.Equal(lr, t.Lr);
            Assert.False(t.Diverged);
            Assert.Equal(401, t.Trajectory().Count);
            double loss = t.Column("loss")[^1];
            Assert.True(loss < 0.05 * f.Evaluate([3.0, 2.0]), $"{method} did not make progress: f = {loss}.");
        }
    }

    [Theory]
    [InlineData("ga")]
    [InlineData("sa")]
    public void GradientFreeOptimizersTraceByEvaluatingTheFunction(string method)
    {
        // descent trace --optimizer ga,sa: θ after each step is the GA's best individual or the SA chain's point.
        var f = Expression.Parse("(x - 1)^2 + 2*(y + 0.5)^2");
        var t = OptimizerTrace.Run(method, f, [3.0, 2.0], new TraceSettings { Lr = 0.1, Steps = 400 });
        Assert.False(t.Diverged);
        Assert.Equal(401, t.Trajectory().Count);
        Assert.Contains("theta", t.Columns.Select(c => c.Key));
        var loss = t.Column("loss");
        Assert.True(loss[^1] < 0.05 * f.Evaluate([3.0, 2.0]), $"{method} did not make progress: f = {loss[^1]}.");
        Assert.Contains("no gradient", t.Update);
    }

    [Fact]
    public void HyperparametersUseTheExperimentFilesNames()
    {
        var f = Expression.Parse("x^2");
        // SGD with momentum 0.5 by name: v₁ = g₁ = 2, θ₁ = 1 − 0.1·2 = 0.8; v₂ = 0.5·2 + 1.6 = 2.6, θ₂ = 0.8 − 0.26.
        var sgd = OptimizerTrace.Run("SGD", f, [1.0], new TraceSettings { Steps = 2, Hyperparameters = new Dictionary<string, object?> { ["momentum"] = 0.5 } });
        Assert.Equal(2.0, sgd.Column("v")[0], 12);
        Assert.Equal(2.6, sgd.Column("v")[1], 12);
        Assert.Equal(0.54, sgd.Column("theta")[^1], 12);
        // lr given by name wins over TraceSettings.Lr.
        var gd = OptimizerTrace.Run("gd", f, [1.0], new TraceSettings { Lr = 0.1, Steps = 1, Hyperparameters = new Dictionary<string, object?> { ["lr"] = 0.25 } });
        Assert.Equal(0.25, gd.Lr);
        Assert.Equal(0.5, gd.Column("theta")[0], 12);
        // Shared settings go only where they fit; a strict one that does not fit is the factory's error.
        var shared = new TraceSettings { Steps = 1, WhereAccepted = new Dictionary<string, object?> { ["momentum"] = 0.5, ["betas"] = new[] { 0.5, 0.9 } } };
        Assert.Equal(["grad", "v", "theta", "loss"], OptimizerTrace.Run("sgd", f, [1.0], shared).Columns.Select(c => c.Key));
        var adam = OptimizerTrace.Run("adam", f, [1.0], shared);
        Assert.Equal(0.5 * 0 + 0.5 * 2, adam.Column("m")[0], 12);   // β₁ = 0.5 from the shared betas
        var e = Assert.Throws<ArgumentException>(() =>
            OptimizerTrace.Run("adam", f, [1.0], new TraceSettings { Hyperparameters = new Dictionary<string, object?> { ["momentum"] = 0.5 } }));
        Assert.Contains("unknown hyperparameter 'momentum'", e.Message);
    }

    [Fact]
    public void RegisteredOptimizersAreTracedByName()
    {
        OptimizerFactoryTests.RegisterSignum();
        Assert.Contains("signum", OptimizerTrace.Methods);
        // The registered stand-in is SGD without momentum: θ₁ = 1 − 0.1·2.
        var t = OptimizerTrace.Run("Signum", Expression.Parse("x^2"), [1.0], new TraceSettings { Steps = 1 });
        Assert.Equal(0.8, t.Column("theta")[0], 12);
        Assert.Equal("Signum's update rule", t.Update);
    }

    [Fact]
    public void RmspropWithMomentumKeepsBothBuffersApart()
    {
        var t = OptimizerTrace.Run("rmsprop", Expression.Parse("x^2"), [1.0],
            new TraceSettings { Steps = 1, Hyperparameters = new Dictionary<string, object?> { ["momentum"] = 0.9 } });
        Assert.Equal(["grad", "v", "momentum_buffer", "theta", "loss"], t.Columns.Select(c => c.Key));
    }

    [Fact]
    public void DivergenceStopsTheTrace()
    {
        var t = OptimizerTrace.Run("gd", Expression.Parse("x^4"), [3.0], new TraceSettings { Lr = 1, Steps = 50 });
        Assert.True(t.Diverged);
        Assert.True(t.Rows.Count < 50);
        Assert.Contains("x0 has 2 value(s)", Assert.Throws<ArgumentException>(() => OptimizerTrace.Run("gd", Expression.Parse("x^2"), [1.0, 2.0], new TraceSettings())).Message);
        Assert.Contains("unknown optimizer 'lbfgs'", Assert.Throws<ArgumentException>(() => OptimizerTrace.Run("lbfgs", Expression.Parse("x^2"), [1.0], new TraceSettings())).Message);
    }

    [Fact]
    public void ZeroStepsStillNameTheStateColumns()
    {
        var t = OptimizerTrace.Run("adam", Expression.Parse("x^2"), [1.0], new TraceSettings { Steps = 0 });
        Assert.Empty(t.Rows);
        Assert.Equal(["grad", "m", "v", "m_hat", "v_hat", "theta", "loss"], t.Columns.Select(c => c.Key));
    }

    [Fact]
    public void BenchmarkSurfacesAreTracedWithTheirAnalyticGradients()
    {
        var himmelblau = BenchmarkSurfaces.Find("Himmelblau")!;
        var t = OptimizerTrace.Run("gd", himmelblau, [1.0, 1.0], new TraceSettings { Lr = 0.01, Steps = 1 });
        // ∇f(1, 1) = (4x(x²+y−11) + 2(x+y²−7), 2(x²+y−11) + 4y(x+y²−7)) = (−46, −38).
        Assert.Equal([-46.0, -38.0], t.Rows[0].Values[0]);
        Assert.Equal(1.46, t.Rows[0].Values[1][0], 12);
        Assert.Equal(1.38, t.Rows[0].Values[1][1], 12);
        var rosenbrock = BenchmarkSurfaces.Find("rosenbrock")!;
        var adam = OptimizerTrace.Run("adam", rosenbrock, rosenbrock.Start, new TraceSettings { Lr = 0.02, Steps = 3000 });
        Assert.True(adam.Column("loss")[^1] < 1e-3, $"adam on Rosenbrock: f = {adam.Column("loss")[^1]}");
    }

    [Fact]
    public void EachSurfacesFormulaIsItsDefinition()
    {
        // The formula text is display only; parsed, it must agree with the BenchmarkFunctions definition and gradient.
        var rng = new Random(7);
        foreach (var s in BenchmarkSurfaces.All)
        {
            var parsed = Expression.Parse(s.Text, ["x", "y"]);
            for (int k = 0; k < 20; k++)
            {
                double[] p = [s.X.Low + (s.X.High - s.X.Low) * rng.NextDouble(), s.Y.Low + (s.Y.High - s.Y.Low) * rng.NextDouble()];
                var g = new double[2];
                var gp = new double[2];
                double v = s.Gradient(p, g);
                double scale = Math.Max(1, Math.Abs(v));
                Assert.True(Math.Abs(parsed.Evaluate(p) - v) <= 1e-9 * scale, $"{s.Name} at ({p[0]}, {p[1]}): {parsed.Evaluate(p)} vs {v}");
                parsed.Gradient(p, gp);
                for (int i = 0; i < 2; i++)
                    Assert.True(Math.Abs(gp[i] - g[i]) <= 1e-8 * Math.Max(1, Math.Abs(g[i])), $"{s.Name} ∂{i} at ({p[0]}, {p[1]}): {gp[i]} vs {g[i]}");
            }
        }
    }
}

using System.Text.Json;
using Descent.Optim;
using Descent.Search.Trace;
using Descent.Tensors;
using Descent.Tests.Fixtures;

namespace Descent.Tests.Optim;

/// <summary>
/// Every case of textbook.json: the loss is parsed from the case's text and traced with <see cref="OptimizerTrace"/>
/// (the code behind <c>descent trace</c>); every trajectory column (grad, v, m, m̂, v̂, θ) is compared step by step, and
/// the torch_reference run, when present, is reproduced through <see cref="OptimizerFactory"/>. Float64 and Float32.
/// </summary>
[Trait("Category", "Fixtures")]
[FixtureReader("textbook.json")]
public class TextbookFixtureTests : PrecisionFixtureTests
{
    private const string File = "textbook.json";

    protected override void Run(string name, DType dtype)
    {
        var c = FixtureFiles.Case(File, name);
        var tol = Tolerance.For(dtype, Tolerance.Trajectory);
        string method = c.GetProperty("method").GetString() switch
        {
            "gradient_descent" => "gd",
            "ema_momentum" => "momentum-ema",
            "pytorch_momentum" => "sgd-momentum",
            "adam" => "adam",
            var other => throw new InvalidOperationException($"{name}: unknown textbook method '{other}'."),
        };
        // The textbooks' names for the experiment-file (PyTorch) hyperparameters: β is SGD's momentum, β₁/β₂ Adam's betas.
        var hyperparameters = new Dictionary<string, object?>(StringComparer.Ordinal);
        double[] betas = [0.9, 0.999];
        foreach (var hp in c.GetProperty("hyperparams").EnumerateObject())
        {
            double v = hp.Value.GetDouble();
            switch (hp.Name)
            {
                case "lr" or "eps": hyperparameters[hp.Name] = v; break;
                case "beta" or "momentum": hyperparameters["momentum"] = v; break;
                case "beta1": betas[0] = v; hyperparameters["betas"] = betas; break;
                case "beta2": betas[1] = v; hyperparameters["betas"] = betas; break;
                default: throw new InvalidOperationException($"{name}: unknown hyperparameter '{hp.Name}'.");
            }
        }
        var settings = new TraceSettings { Steps = c.GetProperty("num_steps").GetInt32(), DType = dtype, Hyperparameters = hyperparameters };
        var loss = Expression.Parse(c.GetProperty("loss").GetString()!);
        double theta0 = c.GetProperty("theta0").GetDouble();
        var trace = OptimizerTrace.Run(method, loss, [theta0], settings);
        Assert.Equal(settings.Steps, trace.Rows.Count);

        // The gradient formula is stated separately: check the parsed loss differentiates to it.
        Assert.Equal("2*theta", c.GetProperty("grad_formula").GetString());
        var grads = trace.Column("grad");
        var thetas = trace.Column("theta");
        for (int t = 0; t < grads.Length; t++)
            tol.AssertClose(grads[t], 2 * (t == 0 ? theta0 : thetas[t - 1]), $"{name} grad = 2θ at step {t + 1}");

        foreach (var column in c.GetProperty("trajectory").EnumerateObject())
            tol.AssertClose(trace.Column(column.Name), FixtureJson.Doubles(column.Value), $"{name} {column.Name}");

        if (c.GetProperty("torch_reference") is { ValueKind: JsonValueKind.Object } reference)
        {
            var p = Tensor.Full(new Shape(1), theta0, dtype).RequiresGradInPlace();
            var opt = OptimizerFactory.Create(reference.GetProperty("optimizer").GetString()!, [p],
                FixtureJson.ToDictionary(reference.GetProperty("hyperparams")));
            var expected = FixtureJson.Doubles(reference.GetProperty("theta"));
            for (int t = 0; t < expected.Length; t++)
            {
                p.Grad = Tensor.Full(new Shape(1), 2 * p.Item(), dtype);
                opt.Step();
                tol.AssertClose(p.Item(), expected[t], $"{name} torch_reference θ at step {t + 1}");
            }
        }
    }
}

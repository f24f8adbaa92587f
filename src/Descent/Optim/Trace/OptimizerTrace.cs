using Descent.Tensors;

namespace Descent.Optim.Trace;

/// <summary>Hyperparameters of a trace; null values take each method's default.</summary>
public sealed record TraceSettings
{
    /// <summary>Learning rate α.</summary>
    public double Lr { get; init; } = 0.1;

    /// <summary>Number of steps.</summary>
    public int Steps { get; init; } = 10;

    /// <summary>Momentum β of gd-with-momentum methods (default 0.9).</summary>
    public double? Momentum { get; init; }

    /// <summary>β₁ of Adam/AdamW (default 0.9).</summary>
    public double? Beta1 { get; init; }

    /// <summary>β₂ of Adam/AdamW (default 0.999).</summary>
    public double? Beta2 { get; init; }

    /// <summary>Decay α of RMSprop's squared-gradient average (default 0.99, PyTorch's).</summary>
    public double? Alpha { get; init; }

    /// <summary>ε (defaults: Adam/AdamW/RMSprop 1e-8, Adagrad 1e-10).</summary>
    public double? Eps { get; init; }

    /// <summary>Weight decay (default 0; AdamW 0.01).</summary>
    public double? WeightDecay { get; init; }

    /// <summary>Element type of θ and the optimizer state (Float64 by default; Float32 shows single-precision rounding).</summary>
    public DType DType { get; init; } = DType.Float64;
}

/// <summary>
/// Runs an optimizer of this library on a scalar function of one or two variables and records, per step, the
/// gradient, the optimizer's internal state and θ: the worked tables of the textbooks, computed by the real
/// optimizers (not re-derived formulas).
/// </summary>
public static class OptimizerTrace
{
    /// <summary>The methods understood by <see cref="Run"/>.</summary>
    public static IReadOnlyList<string> Methods { get; } =
        ["gd", "momentum-ema", "sgd-momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw"];

    /// <summary>Traces <paramref name="method"/> on <paramref name="function"/> from <paramref name="start"/>.</summary>
    public static TraceResult Run(string method, Expression function, IReadOnlyList<double> start, TraceSettings settings)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(settings);
        if (start.Count != function.Dimension)
            throw new ArgumentException(
                $"trace: '{function.Text}' has {function.Dimension} variable(s) ({string.Join(", ", function.Variables)}) but x0 has {start.Count} value(s).", nameof(start));
        if (settings.Steps < 0)
            throw new ArgumentOutOfRangeException(nameof(settings), settings.Steps, "trace: steps must be ≥ 0.");

        if (!settings.DType.IsFloatingPoint())
            throw new ArgumentException($"trace: θ must be float32 or float64, not {settings.DType.TorchName()}.", nameof(settings));
        int dim = function.Dimension;
        var theta = Tensor.FromArray(start.ToArray(), dim).To(settings.DType).RequiresGradInPlace();
        theta.Grad = Tensor.Zeros(new Shape(dim), settings.DType);
        var (optimizer, update, stateColumns) = Create(method, theta, settings);

        var columns = new List<TraceColumn> { new("grad", "g") };
        columns.AddRange(stateColumns.Select(s => s.Column));
        columns.Add(new TraceColumn("theta", "θ"));
        columns.Add(new TraceColumn("loss", "f(θ)"));

        var rows = new List<TraceRow>();
        var grad = new double[dim];
        bool diverged = false;
        for (int t = 1; t <= settings.Steps; t++)
        {
            var before = theta.ToDoubleArray();
            function.Gradient(before, grad);
            for (int i = 0; i < dim; i++) theta.Grad.SetDouble(i, grad[i]);
            optimizer.Step();
            var values = new List<double[]> { theta.Grad.ToDoubleArray() };
            foreach (var s in stateColumns) values.Add(s.Read(optimizer, theta));
            var th = theta.ToDoubleArray();
            double f = function.Evaluate(th);
            values.Add(th);
            values.Add([f]);
            rows.Add(new TraceRow(t, values));
            if (!double.IsFinite(f) || th.Any(v => !double.IsFinite(v)))
            {
                diverged = true;
                break;
            }
        }
        return new TraceResult(method, update, function, [.. start], columns, rows, diverged);
    }

    private sealed record StateColumn(TraceColumn Column, Func<Optimizer, Tensor, double[]> Read);

    private static (Optimizer, string, StateColumn[]) Create(string method, Tensor theta, TraceSettings s)
    {
        double mu = s.Momentum ?? 0.9;
        Tensor[] ps = [theta];
        switch (method)
        {
            case "gd":
                return (new GradientDescent(ps, new GradientDescentOptions(s.Lr, s.WeightDecay ?? 0)), "θ ← θ − α·g", []);
            case "momentum-ema":
                return (new Sgd(ps, new SgdOptions(s.Lr, mu, weightDecay: s.WeightDecay ?? 0, momentumStyle: MomentumStyle.Ema)),
                    "v ← β·v + (1−β)·g (v₀ = 0);  θ ← θ − α·v", [Buffer()]);
            case "sgd-momentum":
                return (new Sgd(ps, new SgdOptions(s.Lr, mu, weightDecay: s.WeightDecay ?? 0)),
                    "v ← g (t = 1), else v ← β·v + g;  θ ← θ − α·v   (PyTorch SGD)", [Buffer()]);
            case "nesterov":
                return (new Sgd(ps, new SgdOptions(s.Lr, mu, weightDecay: s.WeightDecay ?? 0, nesterov: true)),
                    "v ← g (t = 1), else v ← β·v + g;  θ ← θ − α·(g + β·v)   (PyTorch SGD, nesterov)", [Buffer()]);
            case "adagrad":
                return (new Adagrad(ps, new AdagradOptions(s.Lr, weightDecay: s.WeightDecay ?? 0, eps: s.Eps ?? 1e-10)),
                    "G ← G + g²;  θ ← θ − α·g/(√G + ε)",
                    [new(new("sum", "G"), (o, p) => ((Adagrad)o).GetState(p)!.Sum.ToDoubleArray())]);
            case "rmsprop":
                return (new RmsProp(ps, new RmsPropOptions(s.Lr, s.Alpha ?? 0.99, s.Eps ?? 1e-8, s.WeightDecay ?? 0)),
                    "v ← α·v + (1−α)·g²;  θ ← θ − lr·g/(√v + ε)",
                    [new(new("v", "v"), (o, p) => ((RmsProp)o).GetState(p)!.SquareAvg.ToDoubleArray())]);
            case "adam":
                return (new Adam(ps, new AdamOptions(s.Lr, s.Beta1 ?? 0.9, s.Beta2 ?? 0.999, s.Eps ?? 1e-8, s.WeightDecay ?? 0)),
                    "m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  m̂ = m/(1−β₁ᵗ);  v̂ = v/(1−β₂ᵗ);  θ ← θ − α·m̂/(√v̂ + ε)",
                    AdamColumns(s));
            case "adamw":
                return (new AdamW(ps, new AdamWOptions(s.Lr, s.Beta1 ?? 0.9, s.Beta2 ?? 0.999, s.Eps ?? 1e-8, s.WeightDecay ?? 0.01)),
                    "θ ← θ·(1 − α·λ);  then the Adam step with m, v, m̂, v̂", AdamColumns(s));
            default:
                throw new ArgumentException($"trace: unknown optimizer '{method}' (known: {string.Join(", ", Methods)}).", nameof(method));
        }
    }

    private static StateColumn Buffer() =>
        new(new("v", "v"), (o, p) => ((Sgd)o).GetState(p)!.MomentumBuffer!.ToDoubleArray());

    private static StateColumn[] AdamColumns(TraceSettings s)
    {
        double b1 = s.Beta1 ?? 0.9, b2 = s.Beta2 ?? 0.999;
        static AdamState State(Optimizer o, Tensor p) => o is Adam a ? a.GetState(p)! : ((AdamW)o).GetState(p)!;
        static double[] Scaled(Tensor t, double bias) => [.. t.ToDoubleArray().Select(v => v / bias)];
        return
        [
            new(new("m", "m"), (o, p) => State(o, p).ExpAvg.ToDoubleArray()),
            new(new("v", "v"), (o, p) => State(o, p).ExpAvgSq.ToDoubleArray()),
            new(new("m_hat", "m̂"), (o, p) => { var st = State(o, p); return Scaled(st.ExpAvg, 1 - Math.Pow(b1, st.Step)); }),
            new(new("v_hat", "v̂"), (o, p) => { var st = State(o, p); return Scaled(st.ExpAvgSq, 1 - Math.Pow(b2, st.Step)); }),
        ];
    }
}

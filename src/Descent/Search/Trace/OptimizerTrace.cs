using Descent.Optim;
using Descent.Tensors;
using Descent.Tuning;

namespace Descent.Search.Trace;

/// <summary>
/// Runs an optimizer of this library on a scalar function of one or two variables and records, per step, the
/// gradient, the optimizer's internal state and θ: the worked tables of the textbooks, computed by the real
/// optimizers (not re-derived formulas). Optimizers are named as in experiment files (<see cref="OptimizerFactory"/>)
/// or by a textbook preset (gd, momentum-ema, sgd-momentum, nesterov); functions are any
/// <see cref="IDifferentiableFunction"/>: a parsed <see cref="Expression"/> or one of the <see cref="BenchmarkSurfaces"/>.
/// </summary>
public static class OptimizerTrace
{
    /// <summary>
    /// The optimizer names understood by <see cref="Run"/> (matched case-insensitively): the textbook presets and every
    /// <see cref="OptimizerFactory"/> name, including optimizers registered with it.
    /// </summary>
    public static IReadOnlyList<string> Methods => TraceOptimizers.Names;

    /// <summary>Traces <paramref name="method"/> on <paramref name="function"/> from <paramref name="start"/>.</summary>
    public static TraceResult Run(string method, IDifferentiableFunction function, IReadOnlyList<double> start, TraceSettings settings)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(settings);
        int dim = function.Variables.Count;
        if (start.Count != dim)
            throw new ArgumentException(
                $"trace: '{function.Text}' has {dim} variable(s) ({string.Join(", ", function.Variables)}) but x0 has {start.Count} value(s).", nameof(start));
        if (settings.Steps < 0)
            throw new ArgumentOutOfRangeException(nameof(settings), settings.Steps, "trace: steps must be ≥ 0.");
        if (!settings.DType.IsFloatingPoint())
            throw new ArgumentException($"trace: θ must be float32 or float64, not {settings.DType.TorchName()}.", nameof(settings));
        string factory = TraceOptimizers.FactoryName(method)
            ?? throw new ArgumentException($"trace: unknown optimizer '{method}' (known: {string.Join(", ", Methods)}).", nameof(method));

        var theta = Tensor.FromArray(start.ToArray(), dim).To(settings.DType).RequiresGradInPlace();
        theta.Grad = Tensor.Zeros(new Shape(dim), settings.DType);
        var optimizer = TraceOptimizers.Create(method, factory, theta, settings);
        var state = StateColumns.Probe(method, factory, settings, dim);

        var rows = new List<TraceRow>();
        var grad = new double[dim];
        bool diverged = false;
        for (int t = 1; t <= settings.Steps; t++)
        {
            var before = theta.ToDoubleArray();
            function.Gradient(before, grad);
            for (int i = 0; i < dim; i++) theta.Grad.SetDouble(i, grad[i]);
            // A gradient-free optimizer (GA, SA) evaluates f itself at every candidate it tries; θ is then its pick.
            if (optimizer.RequiresGradients) optimizer.Step();
            else optimizer.Step(() => function.Evaluate(theta.ToDoubleArray()));
            var values = new List<double[]> { theta.Grad.ToDoubleArray() };
            values.AddRange(state.Read(optimizer));
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
        List<TraceColumn> columns = [new("grad", "g"), .. state.Columns, new("theta", "θ"), new("loss", "f(θ)")];
        return new TraceResult(method, TraceOptimizers.Update(method, factory), optimizer.ParamGroups[0].Lr, function, [.. start], columns, rows, diverged);
    }
}

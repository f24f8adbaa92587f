using Descent.Optim;
using Descent.Tensors;

namespace Descent.Search.Trace;

/// <summary>
/// The optimizer-state columns of a trace, read from the optimizer's state dict (PyTorch's state names) after each step
/// and shown under the textbooks' symbols: SGD's momentum buffer v, Adagrad's sum G, RMSprop's v, Adam's m and v (with the
/// bias-corrected m̂ and v̂ for Adam and AdamW), Adamax's and Adadelta's u. Other state keeps its PyTorch name.
/// </summary>
internal sealed class StateColumns
{
    private static readonly Dictionary<string, TraceColumn> Textbook = new(StringComparer.Ordinal)
    {
        ["momentum_buffer"] = new("v", "v"),
        ["sum"] = new("sum", "G"),
        ["square_avg"] = new("v", "v"),
        ["exp_avg"] = new("m", "m"),
        ["exp_avg_sq"] = new("v", "v"),
        ["exp_inf"] = new("u", "u"),
        ["acc_delta"] = new("u", "u"),
    };

    private readonly string[] _stateNames;
    private readonly bool _biasCorrected;

    private StateColumns(string[] stateNames, bool biasCorrected)
    {
        _stateNames = stateNames;
        _biasCorrected = biasCorrected;
        var columns = new List<TraceColumn>();
        foreach (var name in stateNames)
        {
            var column = Textbook.GetValueOrDefault(name, new TraceColumn(name, name));
            // Two buffers with one textbook symbol (RMSprop with momentum): the second keeps its PyTorch name.
            columns.Add(columns.Any(c => c.Key == column.Key) ? new TraceColumn(name, name) : column);
        }
        if (biasCorrected) columns.AddRange([new("m_hat", "m̂"), new("v_hat", "v̂")]);
        Columns = columns;
    }

    /// <summary>The columns, in the state dict's order.</summary>
    public IReadOnlyList<TraceColumn> Columns { get; }

    /// <summary>
    /// The columns of <paramref name="method"/>, found by stepping a throwaway copy once (optimizers create their state
    /// at the first step, and which buffers exist depends on the hyperparameters, e.g. SGD's momentum).
    /// </summary>
    public static StateColumns Probe(string method, string factory, TraceSettings settings, int dimension)
    {
        var p = Tensor.Zeros(new Shape(dimension), settings.DType).RequiresGradInPlace();
        p.Grad = Tensor.Ones(new Shape(dimension), settings.DType);
        var optimizer = TraceOptimizers.Create(method, factory, p, settings);
        if (optimizer.RequiresGradients) optimizer.Step();
        else optimizer.Step(() => 0);
        var state = optimizer.StateDict().State.GetValueOrDefault(0) ?? [];
        string[] names = [.. state.Where(e => e.Value is Tensor t && t.Numel == dimension).Select(e => e.Key)];
        return new StateColumns(names, factory is "Adam" or "AdamW");
    }

    /// <summary>The values of every column (one per coordinate) after the optimizer's latest step.</summary>
    public IEnumerable<double[]> Read(Optimizer optimizer)
    {
        var dict = optimizer.StateDict();
        var state = dict.State[0];
        foreach (var name in _stateNames) yield return ((Tensor)state[name]!).ToDoubleArray();
        if (!_biasCorrected) yield break;
        // Kingma & Ba's bias correction: m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ).
        double step = Convert.ToDouble(state["step"], System.Globalization.CultureInfo.InvariantCulture);
        var betas = (double[])dict.ParamGroups[0]["betas"]!;
        yield return Scaled((Tensor)state["exp_avg"]!, 1 - Math.Pow(betas[0], step));
        yield return Scaled((Tensor)state["exp_avg_sq"]!, 1 - Math.Pow(betas[1], step));
    }

    private static double[] Scaled(Tensor t, double bias) => [.. t.ToDoubleArray().Select(v => v / bias)];
}

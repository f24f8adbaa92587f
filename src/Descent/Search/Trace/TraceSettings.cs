using Descent.Tensors;

namespace Descent.Search.Trace;

/// <summary>
/// How <see cref="OptimizerTrace"/> runs: steps, precision and the optimizer's hyperparameters by the names experiment
/// files use (PyTorch's: <c>lr</c>, <c>momentum</c>, <c>betas</c>, <c>eps</c>, <c>weight_decay</c>, <c>alpha</c>,
/// <c>nesterov</c>, …; see <see cref="Descent.Optim.OptimizerFactory"/>). Anything not given takes the trace
/// preset's value, then PyTorch's default.
/// </summary>
public sealed record TraceSettings
{
    private static readonly Dictionary<string, object?> None = [];

    /// <summary>Learning rate α (0.1 unless <see cref="Hyperparameters"/> has <c>lr</c>).</summary>
    public double Lr { get; init; } = 0.1;

    /// <summary>Number of steps.</summary>
    public int Steps { get; init; } = 10;

    /// <summary>Element type of θ and the optimizer state (Float64 by default; Float32 shows single-precision rounding).</summary>
    public DType DType { get; init; } = DType.Float64;

    /// <summary>Hyperparameters for the optimizer traced; one it does not accept is an error.</summary>
    public IReadOnlyDictionary<string, object?> Hyperparameters { get; init; } = None;

    /// <summary>
    /// Hyperparameters given to the optimizer only when it has them, so one setting serves a comparison of several
    /// optimizers (the trace command's <c>--momentum</c>, <c>--beta1</c>, <c>--eps</c>, … flags).
    /// <see cref="Hyperparameters"/> win over these.
    /// </summary>
    public IReadOnlyDictionary<string, object?> WhereAccepted { get; init; } = None;
}

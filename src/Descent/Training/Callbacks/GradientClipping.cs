using Descent.Optim;

namespace Descent.Training.Callbacks;

/// <summary>
/// Clips gradients after backward and before the step: by total norm (<see cref="Clipping.ClipGradNorm"/>) or by
/// value. Records the pre-clipping norm of every step for the report's gradient-norm chart.
/// </summary>
public sealed class GradientClipping : ICallback
{
    private readonly List<double> _norms = [];

    /// <summary>Clips the total gradient norm to <paramref name="maxNorm"/> (0 = only measure), or values to ±<paramref name="clipValue"/>.</summary>
    public GradientClipping(double maxNorm = 0, double normType = 2, double clipValue = 0)
    {
        if (maxNorm < 0 || double.IsNaN(maxNorm)) throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, "max_norm must be ≥ 0.");
        if (clipValue < 0 || double.IsNaN(clipValue)) throw new ArgumentOutOfRangeException(nameof(clipValue), clipValue, "clip_value must be ≥ 0.");
        MaxNorm = maxNorm;
        NormType = normType;
        ClipValue = clipValue;
    }

    /// <summary>Maximum total norm (0: no norm clipping).</summary>
    public double MaxNorm { get; }

    /// <summary>Norm type (1, 2 or ∞).</summary>
    public double NormType { get; }

    /// <summary>Value clip (0: none).</summary>
    public double ClipValue { get; }

    /// <summary>Total gradient norm before clipping, per step.</summary>
    public IReadOnlyList<double> Norms => _norms;

    void ICallback.OnAfterBackward(TrainingContext context)
    {
        var ps = context.Optimizer.Parameters;
        double norm = Clipping.ClipGradNorm(ps, MaxNorm > 0 ? MaxNorm : double.PositiveInfinity, NormType);
        _norms.Add(norm);
        if (ClipValue > 0) Clipping.ClipGradValue(ps, ClipValue);
    }
}

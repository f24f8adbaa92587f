namespace Descent.Compression.Pruning.Schedules;

/// <summary>
/// Gradual pruning (Zhu and Gupta 2017, "To prune, or not to prune"; tfmot's <c>PolynomialDecay</c>): sparsity rises
/// from <see cref="InitialSparsity"/> to <see cref="FinalSparsity"/> between the begin and end steps as
/// <c>s = final + (initial − final)·(1 − p)^power</c> with <c>p = clamp((step − begin)/(end − begin), 0, 1)</c>, fast at
/// first and slowly at the end (power 3), and stays at the final sparsity afterwards.
/// </summary>
public sealed class PolynomialDecaySparsity : ISparsitySchedule
{
    /// <summary>Creates the schedule; every value is checked.</summary>
    public PolynomialDecaySparsity(double initialSparsity, double finalSparsity, long beginStep, long endStep, double power = 3, long frequency = 100)
    {
        CheckSparsity(initialSparsity, "initial_sparsity");
        CheckSparsity(finalSparsity, "final_sparsity");
        if (!(power > 0) || double.IsInfinity(power)) throw new ArgumentOutOfRangeException(nameof(power), power, "PolynomialDecay: power must be positive.");
        Frequency = new PruningFrequency(beginStep, endStep, frequency);
        Frequency.Validate("PolynomialDecay", endOptional: false);
        if (endStep == beginStep) throw new ArgumentOutOfRangeException(nameof(endStep), endStep, "PolynomialDecay: end_step must be after begin_step.");
        InitialSparsity = initialSparsity;
        FinalSparsity = finalSparsity;
        Power = power;
    }

    /// <summary>Sparsity at and before the begin step.</summary>
    public double InitialSparsity { get; }

    /// <summary>Sparsity at and after the end step.</summary>
    public double FinalSparsity { get; }

    /// <summary>Exponent of the decay (3 in Zhu and Gupta).</summary>
    public double Power { get; }

    /// <summary>The pruning steps.</summary>
    public PruningFrequency Frequency { get; }

    /// <inheritdoc/>
    public long EndStep => Frequency.EndStep;

    /// <inheritdoc/>
    public double Sparsity(long step)
    {
        double p = Math.Min(1.0, Math.Max(0.0, (double)(step - Frequency.BeginStep) / (Frequency.EndStep - Frequency.BeginStep)));
        return FinalSparsity + (InitialSparsity - FinalSparsity) * Math.Pow(1 - p, Power);
    }

    /// <inheritdoc/>
    public bool ShouldPrune(long step) => Frequency.ShouldPrune(step);

    internal static void CheckSparsity(double value, string name)
    {
        if (!(value >= 0 && value < 1)) throw new ArgumentOutOfRangeException(name, value, $"{name} must be in [0, 1).");
    }
}

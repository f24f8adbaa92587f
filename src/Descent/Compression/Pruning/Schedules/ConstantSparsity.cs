namespace Descent.Compression.Pruning.Schedules;

/// <summary>
/// One target sparsity from the begin step on (tfmot's <c>ConstantSparsity</c>): masks are updated every
/// <c>frequency</c> steps from the begin step to the end step (−1: to the end of training).
/// </summary>
public sealed class ConstantSparsity : ISparsitySchedule
{
    /// <summary>Creates the schedule; every value is checked.</summary>
    public ConstantSparsity(double targetSparsity, long beginStep, long endStep = -1, long frequency = 100)
    {
        PolynomialDecaySparsity.CheckSparsity(targetSparsity, "target_sparsity");
        Frequency = new PruningFrequency(beginStep, endStep, frequency);
        Frequency.Validate("ConstantSparsity", endOptional: true);
        TargetSparsity = targetSparsity;
    }

    /// <summary>The sparsity at every step.</summary>
    public double TargetSparsity { get; }

    /// <summary>The pruning steps.</summary>
    public PruningFrequency Frequency { get; }

    /// <inheritdoc/>
    public long EndStep => Frequency.EndStep;

    /// <inheritdoc/>
    public double Sparsity(long step) => TargetSparsity;

    /// <inheritdoc/>
    public bool ShouldPrune(long step) => Frequency.ShouldPrune(step);
}

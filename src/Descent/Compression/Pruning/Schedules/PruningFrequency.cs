namespace Descent.Compression.Pruning.Schedules;

/// <summary>
/// When masks are updated, shared by the schedules (tfmot's <c>_should_prune_in_step</c>): at
/// <c>begin_step, begin_step + frequency, …</c> up to and including <c>end_step</c> (no end when it is −1).
/// </summary>
/// <param name="BeginStep">First pruning step (≥ 0).</param>
/// <param name="EndStep">Last step that may prune (≥ begin step), or −1 for no end.</param>
/// <param name="Frequency">Steps between pruning steps (≥ 1).</param>
public readonly record struct PruningFrequency(long BeginStep, long EndStep, long Frequency)
{
    /// <summary>Checks the values, naming the schedule in errors.</summary>
    public void Validate(string schedule, bool endOptional)
    {
        if (BeginStep < 0) throw new ArgumentException($"{schedule}: begin_step must be at least 0 (got {BeginStep}).");
        if (Frequency < 1) throw new ArgumentException($"{schedule}: frequency must be at least 1 (got {Frequency}).");
        if (EndStep == -1 && endOptional) return;
        if (EndStep < BeginStep)
            throw new ArgumentException($"{schedule}: end_step {EndStep} must be at least begin_step {BeginStep}{(endOptional ? " (or -1 for no end)" : "")}.");
    }

    /// <summary>True when pruning happens at <paramref name="step"/>.</summary>
    public bool ShouldPrune(long step) =>
        BeginStep <= step && (step <= EndStep || EndStep == -1) && (step - BeginStep) % Frequency == 0;
}

using System.Globalization;

namespace Descent.Tuning;

public sealed partial class Study
{
    /// <summary>System attribute holding why a trial failed (Optuna's <c>fail_reason</c>).</summary>
    public const string FailReasonKey = "fail_reason";

    /// <summary>
    /// Starts a trial: claims the oldest Waiting (enqueued) trial atomically, or creates a new one.
    /// Parameters in <paramref name="fixedDistributions"/> are suggested at once (Optuna's
    /// <c>ask(fixed_distributions)</c>).
    /// </summary>
    /// <exception cref="SamplerExhaustedException">A finite sampler has nothing left; the trial is failed and the study stopped.</exception>
    public Trial Ask(IReadOnlyDictionary<string, Distribution>? fixedDistributions = null)
    {
        if (_heartbeat is not null) FailStaleTrials();
        long trialId = -1;
        foreach (var waiting in Storage.GetAllTrials(StudyId, [TrialState.Waiting]))
        {
            // Compare-and-set: with several workers exactly one claims each enqueued trial.
            if (Storage.TrySetTrialState(waiting.TrialId, TrialState.Waiting, TrialState.Running))
            {
                trialId = waiting.TrialId;
                break;
            }
        }
        if (trialId < 0) trialId = Storage.CreateTrial(StudyId).TrialId;
        if (_heartbeat is not null) Storage.RecordHeartbeat(trialId);

        try
        {
            Sampler.BeforeTrial(this, Storage.GetTrial(trialId));
            var trial = new Trial(this, Storage.GetTrial(trialId));
            if (fixedDistributions is not null)
                foreach (var (name, dist) in fixedDistributions) trial.Suggest(name, dist);
            return trial;
        }
        catch (Exception e)
        {
            // A trial that can never be evaluated must not stay Running forever.
            Storage.SetTrialSystemAttr(trialId, FailReasonKey, $"{e.GetType().Name}: {e.Message}");
            Storage.TrySetTrialState(trialId, TrialState.Running, TrialState.Failed);
            if (e is SamplerExhaustedException) Stop();
            throw;
        }
    }

    /// <summary>Finishes a single-objective trial with <paramref name="value"/> (NaN/∞ fails it).</summary>
    public FrozenTrial Tell(Trial trial, double value) => Tell(trial, [value]);

    /// <summary>Finishes a trial with one value per objective (NaN/∞ or a wrong count fails it).</summary>
    public FrozenTrial Tell(Trial trial, IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(trial);
        return TellCore(trial.TrialId, TrialState.Complete, values, null, false);
    }

    /// <summary>Finishes a trial in <paramref name="state"/> (Complete needs values; Pruned takes the last reported values).</summary>
    public FrozenTrial Tell(Trial trial, TrialState state, IReadOnlyList<double>? values = null)
    {
        ArgumentNullException.ThrowIfNull(trial);
        return TellCore(trial.TrialId, state, values, null, false);
    }

    /// <summary>Finishes the trial with number <paramref name="trialNumber"/> with a single objective value.</summary>
    public FrozenTrial Tell(int trialNumber, double value) => Tell(trialNumber, TrialState.Complete, [value]);

    /// <summary>Finishes the trial with number <paramref name="trialNumber"/> in <paramref name="state"/>.</summary>
    public FrozenTrial Tell(int trialNumber, TrialState state, IReadOnlyList<double>? values = null) =>
        TellCore(Storage.GetTrialIdFromNumber(StudyId, trialNumber), state, values, null, false);

    /// <summary>
    /// Optuna's <c>_tell_with_warning</c>: validates values (a NaN, ∞ or wrong count turns Complete into
    /// Failed with a reason), gives a pruned trial its last intermediate value(s), calls the sampler's
    /// <see cref="ISampler.AfterTrial"/>, then finishes the trial with a compare-and-set.
    /// </summary>
    private FrozenTrial TellCore(long trialId, TrialState state, IReadOnlyList<double>? values, string? failReason, bool skipIfFinished)
    {
        var frozen = Storage.GetTrial(trialId);
        if (frozen.State == TrialState.Waiting)
            throw new InvalidOperationException($"trial #{frozen.Number} is Waiting; Ask claims it before it can be told");
        if (frozen.State.IsFinished())
        {
            if (skipIfFinished) return frozen;
            throw new TrialFinishedException($"trial #{frozen.Number} is already {frozen.State}");
        }
        switch (state)
        {
            case TrialState.Complete:
                if (values is null) throw new ArgumentException("a Complete trial needs values", nameof(values));
                var problem = CheckValues(values);
                if (problem is not null) { state = TrialState.Failed; failReason = problem; values = null; }
                break;
            case TrialState.Pruned:
                if (values is not null) throw new ArgumentException("a Pruned trial takes its last reported value; do not pass values", nameof(values));
                values = LastIntermediate(frozen);
                break;
            case TrialState.Failed:
                if (values is not null) throw new ArgumentException("a Failed trial has no values", nameof(values));
                break;
            default:
                throw new ArgumentException($"a trial is told Complete, Pruned or Failed, not {state}", nameof(state));
        }

        if (failReason is not null) Storage.SetTrialSystemAttr(trialId, FailReasonKey, failReason);
        Sampler.AfterTrial(this, Storage.GetTrial(trialId), state, values);
        if (!Storage.TrySetTrialState(trialId, TrialState.Running, state, values))
        {
            var now = Storage.GetTrial(trialId);
            if (skipIfFinished) return now;
            throw new TrialFinishedException($"trial #{now.Number} was finished by another worker ({now.State})");
        }
        return Storage.GetTrial(trialId);
    }

    private string? CheckValues(IReadOnlyList<double> values)
    {
        if (values.Count != Directions.Count)
            return $"the objective returned {values.Count} values; the study has {Directions.Count} objectives";
        foreach (var v in values)
            if (!double.IsFinite(v))
                return $"the objective returned {v.ToString(CultureInfo.InvariantCulture)}, which is not a finite number";
        return null;
    }

    private IReadOnlyList<double>? LastIntermediate(FrozenTrial t)
    {
        // Optuna records the last intermediate value of a pruned trial as its value when it is feasible.
        if (t.LastStep is not int step) return null;
        IReadOnlyList<double>? last = Directions.Count == 1
            ? (t.IntermediateValues.TryGetValue(step, out var v) ? [v] : null)
            : (t.IntermediateVectors.TryGetValue(step, out var vec) ? vec : null);
        return last is not null && CheckValues(last) is null ? last : null;
    }
}

using System.Globalization;

namespace Descent.Tuning;

/// <summary>
/// A running trial as the objective sees it (Optuna's <c>Trial</c>): suggests parameters through the
/// study's sampler, reports intermediate values and asks the pruner. Used by one thread at a time.
/// </summary>
public sealed class Trial
{
    internal const string FixedParamsKey = "fixed_params";

    private readonly IReadOnlyDictionary<string, object?>? _fixedParams;
    private FrozenTrial _frozen;
    private IReadOnlyDictionary<string, Distribution>? _relativeSpace;
    private IReadOnlyDictionary<string, double>? _relativeParams;

    internal Trial(Study study, FrozenTrial frozen)
    {
        Study = study;
        _frozen = frozen;
        Number = frozen.Number;
        TrialId = frozen.TrialId;
        _fixedParams = frozen.SystemAttrs.TryGetValue(FixedParamsKey, out var f) ? f as IReadOnlyDictionary<string, object?> : null;
    }

    /// <summary>The study this trial belongs to.</summary>
    public Study Study { get; }

    /// <summary>The trial's number within its study.</summary>
    public int Number { get; }

    /// <summary>The trial's storage id.</summary>
    public long TrialId { get; }

    /// <summary>Parameters suggested so far, as user-facing values.</summary>
    public IReadOnlyDictionary<string, object?> Params => _frozen.Params;

    /// <summary>Distributions of the parameters suggested so far.</summary>
    public IReadOnlyDictionary<string, Distribution> Distributions => _frozen.Distributions;

    /// <summary>User attributes set so far.</summary>
    public IReadOnlyDictionary<string, object?> UserAttrs => _frozen.UserAttrs;

    /// <summary>When the trial started.</summary>
    public DateTimeOffset? DatetimeStart => _frozen.DatetimeStart;

    /// <summary>The trial's current snapshot as this worker knows it (what the sampler is shown).</summary>
    public FrozenTrial Snapshot => _frozen;

    /// <summary>Suggests a float in [low, high], log-scaled and/or on a grid of <paramref name="step"/> from low.</summary>
    /// <exception cref="ArgumentException">Invalid range (message names the parameter, e.g. "lr: low 1 &gt; high 0"), or the name was already suggested with another distribution.</exception>
    public double SuggestFloat(string name, double low, double high, bool log = false, double? step = null)
    {
        var error = FloatDistribution.Check(low, high, log, step);
        if (error is not null) throw new ArgumentException($"{name}: {error}", nameof(low));
        return Suggest(name, new FloatDistribution(low, high, log, step));
    }

    /// <summary>Suggests an integer in [low, high] on a grid of <paramref name="step"/> from low, optionally log-scaled.</summary>
    /// <exception cref="ArgumentException">Invalid range, or the name was already suggested with another distribution.</exception>
    public int SuggestInt(string name, int low, int high, bool log = false, int step = 1)
    {
        var error = IntDistribution.Check(low, high, log, step);
        if (error is not null) throw new ArgumentException($"{name}: {error}", nameof(low));
        return (int)Math.Round(Suggest(name, new IntDistribution(low, high, log, step)));
    }

    /// <summary>Suggests one of <paramref name="choices"/> (string, numbers, bool, null or enums) and returns the caller's own element.</summary>
    /// <exception cref="ArgumentException">Empty or unsupported choices, or the name was already suggested with other choices.</exception>
    public T SuggestCategorical<T>(string name, params IReadOnlyList<T> choices)
    {
        ArgumentNullException.ThrowIfNull(choices);
        CategoricalDistribution dist;
        try { dist = new CategoricalDistribution(choices.Select(c => (object?)c)); }
        catch (ArgumentException e) { throw new ArgumentException($"{name}: {e.Message}", nameof(choices), e); }
        return choices[(int)Suggest(name, dist)];
    }

    /// <summary>
    /// Suggests a value from any <see cref="Distribution"/> and returns it in the internal representation
    /// (for categoricals, the choice index). The typed <c>Suggest*</c> methods call this.
    /// </summary>
    public double Suggest(string name, Distribution distribution)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(distribution);
        if (_frozen.InternalParams.TryGetValue(name, out var existing))
        {
            var previous = _frozen.Distributions[name];
            if (!previous.Equals(distribution))
                throw new ArgumentException($"{name}: already suggested in this trial from {previous}; cannot suggest it again from {distribution}", nameof(name));
            return existing;
        }

        double value;
        if (_fixedParams is not null && _fixedParams.TryGetValue(name, out var fixedValue))
        {
            // Enqueued values are used as given, even outside the range (Optuna warns and does the same).
            try { value = distribution.ToInternal(fixedValue); }
            catch (ArgumentException e) { throw new ArgumentException($"{name}: enqueued value does not fit: {e.Message}", nameof(name), e); }
        }
        else if (distribution.IsSingle)
        {
            value = distribution.SingleInternalValue();
        }
        else if (TryRelative(name, distribution, out var relative))
        {
            value = relative;
        }
        else
        {
            value = Study.Sampler.SampleIndependent(Study, _frozen, name, distribution);
            if (!distribution.Contains(value))
                throw new InvalidOperationException(
                    $"{name}: sampler {Study.Sampler.GetType().Name} returned {value.ToString("R", CultureInfo.InvariantCulture)}, outside {distribution}");
        }

        Study.Storage.SetTrialParam(TrialId, name, value, distribution);
        var p = new Dictionary<string, double>(_frozen.InternalParams, StringComparer.Ordinal) { [name] = value };
        var d = new Dictionary<string, Distribution>(_frozen.Distributions, StringComparer.Ordinal) { [name] = distribution };
        _frozen = _frozen with { InternalParams = p, Distributions = d };
        return value;
    }

    /// <summary>Reports a single-objective intermediate value at <paramref name="step"/> (a repeated step is ignored, as in Optuna).</summary>
    /// <exception cref="InvalidOperationException">The study is multi-objective (use the vector overload).</exception>
    public void Report(double value, int step)
    {
        if (Study.IsMultiObjective)
            throw new InvalidOperationException($"the study has {Study.Directions.Count} objectives; report a vector with Report(values, step)");
        ReportCore([value], step);
    }

    /// <summary>Reports intermediate objective values at <paramref name="step"/>, one per study direction.</summary>
    /// <exception cref="ArgumentException">The count differs from the number of objectives.</exception>
    public void Report(IReadOnlyList<double> values, int step)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count != Study.Directions.Count)
            throw new ArgumentException($"expected {Study.Directions.Count} intermediate values (one per objective), got {values.Count}", nameof(values));
        ReportCore(values, step);
    }

    private void ReportCore(IReadOnlyList<double> values, int step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        if (_frozen.IntermediateValues.ContainsKey(step) || _frozen.IntermediateVectors.ContainsKey(step)) return;
        Study.Storage.SetTrialIntermediateValue(TrialId, step, values);
        _frozen = Study.Storage.GetTrial(TrialId);
    }

    /// <summary>
    /// Asks the study's pruner whether to stop now; when true, the objective should throw
    /// <see cref="TrialPrunedException"/>.
    /// </summary>
    public bool ShouldPrune()
    {
        // The pruner gets a fresh snapshot: pruners such as successive halving record rung values as
        // system attributes, and the next call must see them.
        _frozen = Study.Storage.GetTrial(TrialId);
        bool prune = Study.Pruner.Prune(Study, _frozen);
        _frozen = Study.Storage.GetTrial(TrialId);
        return prune;
    }

    /// <summary>Sets a user attribute (JSON-shaped value, see <see cref="AttrValues"/>).</summary>
    public void SetUserAttr(string key, object? value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        Study.Storage.SetTrialUserAttr(TrialId, key, value);
        _frozen = _frozen with { UserAttrs = new Dictionary<string, object?>(_frozen.UserAttrs, StringComparer.Ordinal) { [key] = AttrValues.Normalize(value) } };
    }

    private bool TryRelative(string name, Distribution distribution, out double value)
    {
        value = 0;
        if (_relativeParams is null)
        {
            _relativeSpace = Study.Sampler.InferRelativeSearchSpace(Study, _frozen);
            _relativeParams = _relativeSpace.Count == 0
                ? new Dictionary<string, double>()
                : Study.Sampler.SampleRelative(Study, _frozen, _relativeSpace);
            // The sampler may have published attributes (TPE's constant liar shares its relative sample).
            if (_relativeSpace.Count > 0) _frozen = Study.Storage.GetTrial(TrialId);
        }
        if (!_relativeParams.TryGetValue(name, out var v)) return false;
        // Optuna's _is_relative_param: the relative value is used when its distribution is compatible
        // with the requested one and the value lies inside the requested range.
        if (_relativeSpace is null || !_relativeSpace.TryGetValue(name, out var relDist) || !Distribution.AreCompatible(relDist, distribution))
            return false;
        if (!distribution.Contains(v)) return false;
        value = v;
        return true;
    }
}

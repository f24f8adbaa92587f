using System.Collections.ObjectModel;

namespace Descent.Tuning;

/// <summary>
/// An immutable snapshot of a trial as stored: what samplers and pruners see (Optuna's
/// <c>FrozenTrial</c>). Parameters are kept in the internal representation (<see cref="InternalParams"/>)
/// alongside their <see cref="Distributions"/>; <see cref="Params"/> gives the user-facing values.
/// Build new snapshots with <c>with</c> expressions; every collection is copied on assignment.
/// </summary>
public sealed record FrozenTrial
{
    private static readonly ReadOnlyDictionary<string, double> NoInternal = new(new Dictionary<string, double>());
    private static readonly ReadOnlyDictionary<string, Distribution> NoDistributions = new(new Dictionary<string, Distribution>());
    private static readonly ReadOnlyDictionary<string, object?> NoAttrs = new(new Dictionary<string, object?>());
    private static readonly ReadOnlyDictionary<int, double> NoIntermediate = new(new SortedDictionary<int, double>());
    private static readonly ReadOnlyDictionary<int, IReadOnlyList<double>> NoVectors = new(new SortedDictionary<int, IReadOnlyList<double>>());

    private readonly IReadOnlyList<double>? _values;
    private readonly IReadOnlyDictionary<string, double> _internalParams = NoInternal;
    private readonly IReadOnlyDictionary<string, Distribution> _distributions = NoDistributions;
    private readonly IReadOnlyDictionary<int, double> _intermediate = NoIntermediate;
    private readonly IReadOnlyDictionary<int, IReadOnlyList<double>> _vectors = NoVectors;
    private readonly IReadOnlyDictionary<string, object?> _userAttrs = NoAttrs;
    private readonly IReadOnlyDictionary<string, object?> _systemAttrs = NoAttrs;

    /// <summary>Position of the trial within its study (0, 1, 2, … in creation order).</summary>
    public int Number { get; init; }

    /// <summary>Storage-wide identifier of the trial.</summary>
    public long TrialId { get; init; }

    /// <summary>Current state.</summary>
    public TrialState State { get; init; }

    /// <summary>Objective values (one per study direction); null unless Complete, or Pruned with a reported value.</summary>
    public IReadOnlyList<double>? Values
    {
        get => _values;
        init => _values = value is null ? null : Array.AsReadOnly(value.ToArray());
    }

    /// <summary>The single objective value, or null when <see cref="Values"/> is null.</summary>
    /// <exception cref="InvalidOperationException">The trial has several objective values.</exception>
    public double? Value => _values switch
    {
        null => null,
        { Count: 1 } v => v[0],
        _ => throw new InvalidOperationException("Value is for single-objective trials; this trial has several values, use Values"),
    };

    /// <summary>Parameter values in the internal representation (categoricals as choice indices).</summary>
    public IReadOnlyDictionary<string, double> InternalParams
    {
        get => _internalParams;
        init => _internalParams = new Dictionary<string, double>(value, StringComparer.Ordinal).AsReadOnly();
    }

    /// <summary>The distribution each parameter was suggested from.</summary>
    public IReadOnlyDictionary<string, Distribution> Distributions
    {
        get => _distributions;
        init => _distributions = new Dictionary<string, Distribution>(value, StringComparer.Ordinal).AsReadOnly();
    }

    /// <summary>Parameter values as the objective saw them (double, int, or the categorical choice).</summary>
    public IReadOnlyDictionary<string, object?> Params =>
        _internalParams.ToDictionary(kv => kv.Key, kv => _distributions[kv.Key].ToExternal(kv.Value), StringComparer.Ordinal).AsReadOnly();

    /// <summary>Single-objective intermediate values by step, ascending.</summary>
    public IReadOnlyDictionary<int, double> IntermediateValues
    {
        get => _intermediate;
        init => _intermediate = new SortedDictionary<int, double>(value.ToDictionary()).AsReadOnly();
    }

    /// <summary>Multi-objective intermediate vectors by step, ascending (reported with <c>Trial.Report(values, step)</c>).</summary>
    public IReadOnlyDictionary<int, IReadOnlyList<double>> IntermediateVectors
    {
        get => _vectors;
        init => _vectors = new SortedDictionary<int, IReadOnlyList<double>>(
            value.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<double>)Array.AsReadOnly(kv.Value.ToArray()))).AsReadOnly();
    }

    /// <summary>The largest reported step (scalar or vector), or null when nothing was reported.</summary>
    public int? LastStep
    {
        get
        {
            int? last = null;
            foreach (var k in _intermediate.Keys) last = k;
            foreach (var k in _vectors.Keys) if (last is null || k > last) last = k;
            return last;
        }
    }

    /// <summary>Attributes set by the user (normalized, see <see cref="AttrValues"/>).</summary>
    public IReadOnlyDictionary<string, object?> UserAttrs
    {
        get => _userAttrs;
        init => _userAttrs = NormalizeAttrs(value);
    }

    /// <summary>Attributes set by the library: samplers, pruners, fail reasons, enqueued parameters.</summary>
    public IReadOnlyDictionary<string, object?> SystemAttrs
    {
        get => _systemAttrs;
        init => _systemAttrs = NormalizeAttrs(value);
    }

    /// <summary>When a worker started evaluating the trial (null while Waiting).</summary>
    public DateTimeOffset? DatetimeStart { get; init; }

    /// <summary>When the trial finished (null while Running or Waiting).</summary>
    public DateTimeOffset? DatetimeComplete { get; init; }

    /// <summary>Wall time from start to completion, when both are known.</summary>
    public TimeSpan? Duration => DatetimeStart is { } s && DatetimeComplete is { } c ? c - s : null;

    /// <summary>Returns the user-facing value of parameter <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">The trial has no such parameter.</exception>
    public object? GetParam(string name) =>
        _internalParams.TryGetValue(name, out var v) ? _distributions[name].ToExternal(v)
            : throw new KeyNotFoundException($"trial #{Number} has no parameter \"{name}\"");

    /// <summary>Whether every reported objective value is finite and the count matches <paramref name="objectives"/>.</summary>
    internal bool HasFiniteValues(int objectives)
    {
        if (_values is null || _values.Count != objectives) return false;
        foreach (var v in _values) if (!double.IsFinite(v)) return false;
        return true;
    }

    private static ReadOnlyDictionary<string, object?> NormalizeAttrs(IReadOnlyDictionary<string, object?> value)
    {
        var d = new Dictionary<string, object?>(value.Count, StringComparer.Ordinal);
        foreach (var (k, v) in value) d[k] = AttrValues.Normalize(v);
        return d.AsReadOnly();
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"FrozenTrial(number={Number}, state={State}, values=[{(_values is null ? "" : string.Join(", ", _values.Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture))))}], " +
        $"params={{{string.Join(", ", Params.Select(kv => kv.Key + ": " + AttrValues.Format(kv.Value)))}}})";
}

namespace Descent.Tuning;

/// <summary>
/// Evaluates every point of a Cartesian grid exactly once, in a seeded random order, then stops the
/// study (Optuna's <c>GridSampler</c>). Trial n takes grid point n of the shuffled grid, so trials created
/// by any number of workers (trial numbers are unique) never share a point. A trial numbered past the
/// grid, or whose preferred point is taken (e.g. after enqueued trials), claims a free point through a
/// storage-visible system attribute: it writes its claim, re-reads all claims, and keeps the point only
/// if no other trial holds it (otherwise both retry). When no point is free, <see cref="BeforeTrial"/>
/// throws <see cref="SamplerExhaustedException"/> instead of re-evaluating one.
/// </summary>
public sealed class GridSampler : IFiniteSampler
{
    /// <summary>System attribute holding the trial's grid point index.</summary>
    public const string GridIdKey = "grid_id";

    /// <summary>System attribute identifying the grid, so grids of different samplers never mix.</summary>
    public const string GridSpaceKey = "grid_space";

    private readonly Lock _lock = new();
    private readonly string[] _names;
    private readonly object?[][] _grid;     // shuffled points; _grid[id][i] is the value of _names[i]
    private readonly string _fingerprint;
    private readonly TuningRandom _rng;

    /// <summary>Creates the sampler over <paramref name="searchSpace"/> (values: string, number, bool or null).</summary>
    /// <exception cref="ArgumentException">An empty space, a parameter without values, or an unsupported value type.</exception>
    public GridSampler(IReadOnlyDictionary<string, IReadOnlyList<object?>> searchSpace, long seed = 0)
    {
        ArgumentNullException.ThrowIfNull(searchSpace);
        if (searchSpace.Count == 0) throw new ArgumentException("the grid needs at least one parameter", nameof(searchSpace));
        _names = searchSpace.Keys.Order(StringComparer.Ordinal).ToArray();
        var values = new object?[_names.Length][];
        for (int i = 0; i < _names.Length; i++)
        {
            var list = searchSpace[_names[i]];
            if (list.Count == 0) throw new ArgumentException($"{_names[i]}: the grid lists no values", nameof(searchSpace));
            try { values[i] = list.Select(CategoricalDistribution.NormalizeChoice).ToArray(); }
            catch (ArgumentException e) { throw new ArgumentException($"{_names[i]}: {e.Message}", nameof(searchSpace), e); }
        }
        long total = values.Aggregate(1L, (n, v) => checked(n * v.Length));
        if (total > int.MaxValue) throw new ArgumentException($"the grid has {total} points; at most {int.MaxValue} are supported", nameof(searchSpace));
        _grid = new object?[total][];
        for (int id = 0; id < total; id++)
        {
            var point = new object?[_names.Length];
            int rest = id;
            for (int i = _names.Length - 1; i >= 0; i--)
            {
                point[i] = values[i][rest % values[i].Length];
                rest /= values[i].Length;
            }
            _grid[id] = point;
        }
        _rng = new TuningRandom(seed);
        _rng.Shuffle(_grid.AsSpan());
        _fingerprint = string.Join(";", _names.Select((n, i) => n + "=" + string.Join(",", values[i].Select(AttrValues.Format))));
    }

    /// <summary>Number of grid points.</summary>
    public int GridSize => _grid.Length;

    /// <inheritdoc />
    public bool IsExhausted(Study study) => Claims(study, excludeTrialId: -1).Count >= _grid.Length;

    /// <inheritdoc />
    public void BeforeTrial(Study study, FrozenTrial trial)
    {
        if (trial.SystemAttrs.ContainsKey(Trial.FixedParamsKey) || trial.SystemAttrs.ContainsKey(GridIdKey)) return;
        lock (_lock)
        {
            int preferred = trial.Number < _grid.Length ? trial.Number : -1;
            study.Storage.SetTrialSystemAttr(trial.TrialId, GridSpaceKey, _fingerprint);
            for (int attempt = 0; ; attempt++)
            {
                var claimed = Claims(study, trial.TrialId);
                int candidate;
                if (preferred >= 0 && !claimed.Contains(preferred))
                {
                    candidate = preferred;
                }
                else
                {
                    var free = Enumerable.Range(0, _grid.Length).Where(i => !claimed.Contains(i)).ToArray();
                    if (free.Length == 0)
                    {
                        study.Stop();
                        throw new SamplerExhaustedException($"every one of the {_grid.Length} grid points is claimed by another trial");
                    }
                    candidate = free[_rng.NextInt(free.Length)];
                }
                study.Storage.SetTrialSystemAttr(trial.TrialId, GridIdKey, (long)candidate);
                // Write, then verify: of two trials racing for one point, the later writer always sees the
                // earlier claim, so they can never both keep it.
                if (!Claims(study, trial.TrialId).Contains(candidate)) return;
                preferred = -1;
                if (attempt > 1000) throw new InvalidOperationException("could not claim a grid point after 1000 attempts");
            }
        }
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, Distribution> InferRelativeSearchSpace(Study study, FrozenTrial trial) => new Dictionary<string, Distribution>();

    /// <inheritdoc />
    public IReadOnlyDictionary<string, double> SampleRelative(Study study, FrozenTrial trial, IReadOnlyDictionary<string, Distribution> searchSpace) =>
        new Dictionary<string, double>();

    /// <inheritdoc />
    public double SampleIndependent(Study study, FrozenTrial trial, string paramName, Distribution distribution)
    {
        if (!trial.SystemAttrs.TryGetValue(GridIdKey, out var idObj) || idObj is not long id)
            throw new InvalidOperationException($"{paramName}: trial #{trial.Number} has no grid point; an enqueued trial must fix every grid parameter");
        int index = Array.IndexOf(_names, paramName);
        if (index < 0) throw new ArgumentException($"{paramName}: not a parameter of the grid ({string.Join(", ", _names)})", nameof(paramName));
        var value = _grid[id][index];
        try { return distribution.ToInternal(value); }
        catch (ArgumentException e) { throw new ArgumentException($"{paramName}: grid value {AttrValues.Format(value)} does not fit {distribution}: {e.Message}", nameof(paramName), e); }
    }

    /// <inheritdoc />
    public void AfterTrial(Study study, FrozenTrial trial, TrialState state, IReadOnlyList<double>? values)
    {
        // Optuna stops the study once no grid point is left unvisited.
        if (IsExhausted(study)) study.Stop();
    }

    private HashSet<int> Claims(Study study, long excludeTrialId)
    {
        var claimed = new HashSet<int>();
        foreach (var t in study.Trials)
            if (t.TrialId != excludeTrialId && t.SystemAttrs.TryGetValue(GridIdKey, out var g) && g is long id
                && t.SystemAttrs.TryGetValue(GridSpaceKey, out var f) && f is string fp && fp == _fingerprint)
                claimed.Add((int)id);
        return claimed;
    }
}

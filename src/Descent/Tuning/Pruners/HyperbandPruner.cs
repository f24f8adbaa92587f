using System.Text;

namespace Descent.Tuning;

/// <summary>
/// Hyperband (Li et al., "Hyperband: A Novel Bandit-Based Approach to Hyperparameter Optimization",
/// JMLR 18, 2018; Optuna's <c>HyperbandPruner</c>): several <see cref="SuccessiveHalvingPruner"/> brackets
/// with min early-stopping rates 0, 1, …; a trial joins bracket b by CRC-32 of "studyName_number"
/// modulo the total budget, weighted by each bracket's budget ⌈n·η^s/(s+1)⌉, and competes only with
/// trials of its own bracket. The number of brackets is ⌊log_η(maxResource/minResource)⌋ + 1.
/// </summary>
public sealed class HyperbandPruner : IPruner
{
    private readonly Lock _lock = new();
    private readonly int _minResource;
    private readonly int _reductionFactor;
    private readonly int _bootstrapCount;
    private int? _maxResource;
    private SuccessiveHalvingPruner[] _brackets = [];
    private int[] _budgets = [];
    private int _totalBudget;

    /// <summary>Creates the pruner with Optuna's defaults.</summary>
    /// <param name="minResource">Steps before a trial can first be pruned.</param>
    /// <param name="maxResource">Steps of a full trial; null is Optuna's 'auto': the largest last step of the first complete trials, plus one.</param>
    /// <param name="reductionFactor">η, the halving rate of every bracket (≥ 2).</param>
    /// <param name="bootstrapCount">Passed to every bracket (needs an explicit maxResource).</param>
    public HyperbandPruner(int minResource = 1, int? maxResource = null, int reductionFactor = 3, int bootstrapCount = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(minResource, 1);
        if (maxResource is int m && m < minResource) throw new ArgumentOutOfRangeException(nameof(maxResource), maxResource, "maxResource must be >= minResource");
        ArgumentOutOfRangeException.ThrowIfLessThan(reductionFactor, 2);
        ArgumentOutOfRangeException.ThrowIfNegative(bootstrapCount);
        if (bootstrapCount > 0 && maxResource is null)
            throw new ArgumentException("bootstrapCount > 0 needs an explicit maxResource (as in Optuna)", nameof(bootstrapCount));
        _minResource = minResource;
        _maxResource = maxResource;
        _reductionFactor = reductionFactor;
        _bootstrapCount = bootstrapCount;
    }

    /// <summary>Number of brackets, or 0 while 'auto' has not yet seen a complete trial.</summary>
    public int BracketCount => _brackets.Length;

    /// <inheritdoc />
    public bool Prune(Study study, FrozenTrial trial)
    {
        lock (_lock)
        {
            if (_brackets.Length == 0) Initialize(study);
            if (_brackets.Length == 0) return false;
        }
        int bracket = BracketOf(study.Name, trial.Number);
        return _brackets[bracket].Prune(study, trial, t => BracketOf(study.Name, t.Number) == bracket);
    }

    /// <summary>The bracket of trial <paramref name="number"/> in study <paramref name="studyName"/> (Optuna's assignment, for reproducible brackets across workers).</summary>
    /// <exception cref="InvalidOperationException">The brackets are not known yet.</exception>
    public int BracketOf(string studyName, int number)
    {
        if (_totalBudget == 0) throw new InvalidOperationException("the brackets are not initialized yet");
        long n = Crc32.Compute(Encoding.UTF8.GetBytes(studyName + "_" + number.ToString(System.Globalization.CultureInfo.InvariantCulture))) % _totalBudget;
        for (int b = 0; b < _budgets.Length; b++)
        {
            n -= _budgets[b];
            if (n < 0) return b;
        }
        throw new DescentInternalException("unreachable: budgets do not cover the total");
    }

    private void Initialize(Study study)
    {
        if (_maxResource is null)
        {
            int? last = null;
            foreach (var t in study.GetTrials(TrialState.Complete))
                if (t.LastStep is int s && (last is null || s > last)) last = s;
            if (last is null) return;
            _maxResource = last.Value + 1;
        }
        // Same floating-point formula as Optuna (math.log(max/min, η)), so bracket counts agree.
        int n = (int)Math.Floor(Math.Log((double)_maxResource.Value / _minResource) / Math.Log(_reductionFactor)) + 1;
        var budgets = new int[n];
        var brackets = new SuccessiveHalvingPruner[n];
        for (int b = 0; b < n; b++)
        {
            int s = n - 1 - b;
            budgets[b] = (int)Math.Ceiling(n * Math.Pow(_reductionFactor, s) / (s + 1));
            brackets[b] = new SuccessiveHalvingPruner(_minResource, _reductionFactor, b, _bootstrapCount);
        }
        _budgets = budgets;
        _totalBudget = budgets.Sum();
        _brackets = brackets;
    }
}

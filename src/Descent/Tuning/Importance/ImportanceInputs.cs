namespace Descent.Tuning;

/// <summary>
/// The data an importance evaluator works on (Optuna's <c>_get_distributions</c> and
/// <c>_get_filtered_trials</c>): the analysed parameters with their (common) distributions, and the
/// complete trials that hold all of them with a finite target value.
/// </summary>
internal sealed record ImportanceInputs(string[] Names, Distribution[] Distributions, List<FrozenTrial> Trials, double[] Targets)
{
    /// <summary>Collects the inputs; see <see cref="IImportanceEvaluator.Evaluate"/> for the rules.</summary>
    public static ImportanceInputs Collect(Study study, IReadOnlyList<string>? parameters, Func<FrozenTrial, double>? target)
    {
        if (target is null && study.IsMultiObjective)
            throw new ArgumentException("a multi-objective study needs a target selecting the value to analyse, e.g. t => t.Values![0]", nameof(target));
        var complete = study.GetTrials(TrialState.Complete);
        if (complete.Count == 0) throw new InvalidOperationException("cannot evaluate parameter importances without complete trials");
        string[] names;
        if (parameters is null)
        {
            // The intersection search space: names every complete trial has, with one distribution each.
            var common = new Dictionary<string, Distribution>(complete[0].Distributions, StringComparer.Ordinal);
            foreach (var t in complete.Skip(1))
                foreach (var name in common.Keys.ToList())
                    if (!t.Distributions.TryGetValue(name, out var d) || !d.Equals(common[name])) common.Remove(name);
            names = common.Keys.Order(StringComparer.Ordinal).ToArray();
        }
        else
        {
            names = parameters.Distinct().ToArray();
        }
        var trials = complete.Where(t => names.All(t.InternalParams.ContainsKey)).ToList();
        if (trials.Count == 0) throw new InvalidOperationException($"no complete trial has all of [{string.Join(", ", names)}]");
        var dists = new Distribution[names.Length];
        for (int i = 0; i < names.Length; i++)
        {
            dists[i] = trials[0].Distributions[names[i]];
            foreach (var t in trials)
                if (!t.Distributions[names[i]].Equals(dists[i]))
                    throw new ArgumentException($"{names[i]}: the range changed between trials ({dists[i]} vs {t.Distributions[names[i]]}); importances need one distribution per parameter", nameof(parameters));
        }
        var kept = new List<FrozenTrial>();
        var values = new List<double>();
        foreach (var t in trials)
        {
            double v = target is null ? t.Values![0] : target(t);
            if (!double.IsFinite(v)) continue;
            kept.Add(t);
            values.Add(v);
        }
        return new ImportanceInputs(names, dists, kept, values.ToArray());
    }

    /// <summary>Importances normalized to sum 1 (equal shares when all are zero), most important first (ties by name).</summary>
    public static IReadOnlyDictionary<string, double> Normalize(IReadOnlyDictionary<string, double> raw)
    {
        double sum = raw.Values.Sum();
        var result = new OrderedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var (k, v) in raw.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal))
            result[k] = sum > 0 ? v / sum : 1.0 / raw.Count;
        return result;
    }
}

using Descent.Experiments;
using Descent.Optim;
using Descent.Optim.Schedules;
using Descent.Tuning;

namespace Descent.Search.Studies;

/// <summary>
/// Checks the search parameters that set optimizer or schedule hyperparameters (<c>optimizer.momentum</c>,
/// <c>schedule.gamma</c>) against the options records' declarations before any trial runs: the hyperparameter must
/// exist for every optimizer (or schedule) a trial can use, a float or int range must suit its kind and lie inside its
/// range, and every choice must be a valid value. Errors point at the search entry's file:line.
/// </summary>
internal static class SearchSpaceCheck
{
    /// <summary>Checks <paramref name="parameters"/> (parsed from <paramref name="search"/>) against the experiment <paramref name="root"/>.</summary>
    public static void Check(ConfigNode root, ConfigNode search, IReadOnlyList<SearchParameter> parameters)
    {
        var optimizers = Candidates(parameters, "optimizer.name")
            ?? [OptimSectionReader.OptimizerName(root.Get("optimizer"))];
        var schedules = Candidates(parameters, "schedule.name")
            ?? [root.Get("schedule") is null ? null : OptimSectionReader.ScheduleName(root.Get("schedule"))];
        foreach (var p in parameters)
        {
            var node = search.Required(p.Name);
            var segments = p.Path.Split('.');
            if (segments.Length != 2) continue;
            var (section, key) = (segments[0], segments[1]);
            if (section == "optimizer")
            {
                if (key == "name") CheckNames(node, p, "optimizer", OptimizerFactory.IsKnown, OptimizerFactory.Names);
                // An unknown experiment optimizer is reported by the experiment reader.
                else foreach (var name in optimizers.Where(n => n is not null && OptimizerFactory.IsKnown(n)))
                    CheckHyperparameter(node, p, key, OptimizerFactory.CreateOptions(name!));
            }
            else if (section == "pruning" && key != "ignore")
            {
                if (root.Get("pruning") is null)
                    throw node.Error($"{p.Path}: the experiment has no pruning: section; give pruning: {{target_sparsity: ..., end_step: ...}} to search its settings");
                CheckHyperparameter(node, p, key, new PruningConfig());
            }
            else if (section == "schedule" && key is not ("per" or "monitor"))
            {
                if (key == "name")
                {
                    CheckNames(node, p, "schedule", n => n.Equals("none", StringComparison.OrdinalIgnoreCase) || ScheduleFactory.CanonicalName(n) is not null,
                        [.. ScheduleFactory.Names, "ReduceLROnPlateau", "none"]);
                    continue;
                }
                var known = schedules.Where(n => n is not null && ScheduleFactory.CanonicalName(n) is not null).ToList();
                if (known.Count == 0 && schedules.All(n => n is null))
                    throw node.Error($"{p.Path}: the experiment has no schedule; give schedule: {{name: ...}} to search its hyperparameters");
                foreach (var name in known) CheckHyperparameter(node, p, key, ScheduleFactory.DefaultOptions(name!));
            }
        }
    }

    // The names a choice over `path` can give, or null when the search does not vary it.
    private static List<string?>? Candidates(IReadOnlyList<SearchParameter> parameters, string path) =>
        parameters.FirstOrDefault(p => p.Path == path)?.Distribution is CategoricalDistribution c
            ? c.Choices.Select(v => v is string s ? s.Trim() : v?.ToString()).ToList()
            : null;

    private static void CheckNames(ConfigNode node, SearchParameter p, string what, Func<string, bool> isKnown, IReadOnlyList<string> known)
    {
        if (p.Distribution is not CategoricalDistribution c)
            throw node.Error($"{p.Path}: {what} names are searched with choice: [...]");
        foreach (var v in c.Choices)
            if (v is not string name || !isKnown(name.Trim()))
                throw node.Error($"{p.Path}: unknown {what} '{v}' (known: {string.Join(", ", known.Select(n => n.ToLowerInvariant()))})");
    }

    private static void CheckHyperparameter(ConfigNode node, SearchParameter p, string key, HyperparameterOptions defaults)
    {
        string owner = defaults switch
        {
            OptimizerOptions o => o.OptimizerName,
            ScheduleOptions s => s.ScheduleName,
            _ => "pruning",
        };
        var declaration = defaults.Hyperparameters.Find(key)
            ?? throw node.Error($"{p.Path}: {owner} has no hyperparameter '{key}' (known: {string.Join(", ", defaults.Names)})");
        switch (p.Distribution)
        {
            case FloatDistribution f:
                CheckRange(node, p, owner, declaration, f.Low, f.High, HyperparameterKind.Number);
                break;
            case IntDistribution i:
                CheckRange(node, p, owner, declaration, i.Low, i.High, HyperparameterKind.Integer);
                break;
            case CategoricalDistribution c:
                foreach (var choice in c.Choices)
                {
                    try
                    {
                        (defaults with { }).Set(key, AsTrialReadsIt(p, choice));
                    }
                    catch (ArgumentException e)
                    {
                        throw node.Error($"{p.Path}: the choice {p.ToOverride(choice)[(p.Path.Length + 1)..]} is invalid: {e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal)}");
                    }
                }
                break;
        }
    }

    // A float range sets numbers; an int range sets numbers or integers. Both must stay inside the declared range.
    private static void CheckRange(ConfigNode node, SearchParameter p, string owner, Hyperparameter declaration, double low, double high, HyperparameterKind searched)
    {
        bool suits = declaration.Kind == HyperparameterKind.Number || (declaration.Kind == HyperparameterKind.Integer && searched == HyperparameterKind.Integer);
        if (!suits)
        {
            string hint = declaration.Kind == HyperparameterKind.Integer ? "search it with int: [low, high]"
                : declaration.Kind is HyperparameterKind.Flag or HyperparameterKind.Choice ? $"search it with choice: [{string.Join(", ", declaration.Kind == HyperparameterKind.Flag ? ["true", "false"] : declaration.Choices)}]"
                : "search it with choice: [...] of whole values";
            throw node.Error($"{p.Path}: {owner}'s {declaration.Key} is {declaration.Description}; {hint}");
        }
        if (declaration.Range is { } range && !(range.Contains(low) && range.Contains(high)))
            throw node.Error($"{p.Path}: the range [{ValueRange.Format(low)}, {ValueRange.Format(high)}] leaves {owner}'s {declaration.Key}, which must be {range.Description}");
    }

    // The value a trial's override writes, read back as the experiment reader reads it (lists given as YAML text included).
    private static object? AsTrialReadsIt(SearchParameter p, object? choice)
    {
        var assignment = "value=" + p.ToOverride(choice)[(p.Path.Length + 1)..];
        var value = ConfigDocument.Parse("", "choice", [assignment]).Get("value");
        return value is null ? null : ExperimentConfigReader.Plain(value.Node);
    }
}

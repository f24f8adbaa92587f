using Descent.Optim;
using Descent.Optim.Schedules;
using static Descent.Experiments.ExperimentConfigReader;

namespace Descent.Experiments;

/// <summary>
/// Reads <c>optimizer:</c> and <c>schedule:</c> into typed options records: each key is set through the record's
/// declarations (<see cref="HyperparameterOptions.Set"/>), so the experiment accepts exactly the hyperparameters the
/// records declare, and each bad one is reported at its line.
/// </summary>
internal static class OptimSectionReader
{
    public static OptimizerConfig ReadOptimizer(ConfigNode? node)
    {
        if (node is null) return new OptimizerConfig { Name = "adam", Options = OptimizerFactory.CreateOptions("adam") };
        var nameNode = node.IsScalar ? node : node.Get("name");
        string name = OptimizerName(node);
        if (!OptimizerFactory.IsKnown(name))
            throw (nameNode ?? node).Error($"unknown optimizer '{name}' (known: {string.Join(", ", OptimizerFactory.Names.Select(n => n.ToLowerInvariant()))})");
        var options = OptimizerFactory.CreateOptions(name);
        if (node.IsMapping) Apply(node, options, node.Keys.Where(k => k != "name").ToList());
        return new OptimizerConfig { Name = name, Options = options };
    }

    public static ScheduleConfig? ReadSchedule(ConfigNode? node, bool hasValidation)
    {
        if (node is null) return null;
        var nameNode = node.IsScalar ? node : node.Required("name");
        var raw = nameNode.Text.Trim();
        if (raw.Equals("none", StringComparison.OrdinalIgnoreCase)) return null;
        var name = ScheduleFactory.CanonicalName(raw) ?? throw nameNode.Error(
            $"unknown schedule '{raw}' (known: {string.Join(", ", ScheduleFactory.Names)}, ReduceLROnPlateau)");
        var options = ScheduleFactory.DefaultOptions(name);
        bool plateau = options is ReduceLROnPlateauOptions;
        string per = "epoch", monitor = hasValidation ? "val_loss" : "loss";
        var keys = new List<string>();
        if (node.IsMapping)
        {
            var perNode = node.Get("per");
            per = perNode?.AsChoice("epoch", "batch") ?? "epoch";
            if (plateau && per == "batch") throw perNode!.Error("ReduceLROnPlateau reacts to an epoch's metric: use per: epoch");
            if (node.Get("monitor") is { } mon)
            {
                if (!plateau) throw mon.Error("'monitor' applies to ReduceLROnPlateau only");
                monitor = Monitor(node, monitor, hasValidation);
            }
            keys = node.Keys.Where(k => k is not ("name" or "per" or "monitor")).ToList();
        }
        Apply(node, options, keys);
        // An experiment's optimizer has a single parameter group, so ReduceLROnPlateau takes one min_lr.
        if (options is ReduceLROnPlateauOptions { MinLr.Count: not 1 and var count })
            throw node.Get("min_lr")!.Error($"ReduceLROnPlateau: expected 1 min_lr value (the experiment's optimizer has one parameter group), got {count}");
        return new ScheduleConfig { Options = options, Per = per, Monitor = monitor };
    }

    /// <summary>The optimizer an <c>optimizer:</c> node names (lower case; adam when absent).</summary>
    internal static string OptimizerName(ConfigNode? node)
    {
        var nameNode = node is null ? null : node.IsScalar ? node : node.Get("name");
        return nameNode?.Text.Trim().ToLowerInvariant() ?? "adam";
    }

    /// <summary>The schedule a <c>schedule:</c> node names (the factory's spelling), or null for none or an unknown name.</summary>
    internal static string? ScheduleName(ConfigNode? node)
    {
        var nameNode = node is null ? null : node.IsScalar ? node : node.Get("name");
        return nameNode is null ? null : ScheduleFactory.CanonicalName(nameNode.Text.Trim());
    }

    // Sets each key at its own line, then checks required values and the constraints between hyperparameters.
    private static void Apply(ConfigNode node, HyperparameterOptions options, IReadOnlyList<string> keys)
    {
        foreach (var key in keys)
        {
            var child = node.Get(key);
            try
            {
                options.Set(key, child is null ? null : Plain(child.Node));
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                throw (child ?? node).Error(StripParamName(e));
            }
        }
        try
        {
            options.Validate();
        }
        catch (ArgumentException e)
        {
            // Point at the offending hyperparameter when the message names one of the keys.
            var message = StripParamName(e);
            var key = keys.FirstOrDefault(k => message.Contains($"'{k}'", StringComparison.Ordinal) || message.Contains($": {k} ", StringComparison.Ordinal));
            throw (key is not null && node.Get(key) is { } child ? child : node).Error(message);
        }
    }

    // ArgumentException appends " (Parameter 'x')" to its message; the config error already names the key.
    private static string StripParamName(Exception e) =>
        e is ArgumentException { ParamName: { } p } ? e.Message.Replace($" (Parameter '{p}')", "", StringComparison.Ordinal) : e.Message;
}

using Descent.Optim.Schedules;
using Descent.Optim;
using Descent.Tensors;
using static Descent.Experiments.ExperimentConfigReader;

namespace Descent.Experiments;

/// <summary>
/// Reads <c>optimizer:</c> and <c>schedule:</c> through <see cref="OptimizerFactory"/> and <see cref="ScheduleFactory"/>,
/// so the experiment accepts exactly the hyperparameters those accept, and reports each bad one at its line.
/// </summary>
internal static class OptimSectionReader
{
    public static OptimizerConfig ReadOptimizer(ConfigNode? node)
    {
        if (node is null) return Resolve("adam", OptimizerFactory.CreateOptions("adam"));
        var nameNode = node.IsScalar ? node : node.Get("name");
        string name = nameNode?.Text.Trim().ToLowerInvariant() ?? "adam";
        if (!OptimizerFactory.Names.Any(n => n.Equals(name, StringComparison.OrdinalIgnoreCase)) && name != "gd")
            throw (nameNode ?? node).Error($"unknown optimizer '{name}' (known: {string.Join(", ", OptimizerFactory.Names.Select(n => n.ToLowerInvariant()))})");
        var options = OptimizerFactory.CreateOptions(name);
        if (node.IsMapping)
        {
            foreach (var key in node.Keys.Where(k => k != "name").ToList())
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
                throw node.Error(StripParamName(e));
            }
        }
        return Resolve(name, options);
    }

    private static OptimizerConfig Resolve(string name, OptimizerOptions options) => new()
    {
        Name = name,
        Hyperparameters = options.ToDictionary().ToDictionary(kv => kv.Key, kv => (object?)kv.Value, StringComparer.Ordinal),
    };

    public static ScheduleConfig? ReadSchedule(ConfigNode? node, bool hasValidation)
    {
        if (node is null) return null;
        var nameNode = node.IsScalar ? node : node.Required("name");
        var raw = nameNode.Text.Trim();
        if (raw.Equals("none", StringComparison.OrdinalIgnoreCase)) return null;
        var name = CanonicalName(raw) ?? throw nameNode.Error(
            $"unknown schedule '{raw}' (known: {string.Join(", ", ScheduleFactory.Names)}, ReduceLROnPlateau)");
        bool plateau = name == "ReduceLROnPlateau";
        string per = "epoch", monitor = hasValidation ? "val_loss" : "loss";
        var hyper = new Dictionary<string, object?>(StringComparer.Ordinal);
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
            foreach (var key in node.Keys.Where(k => k is not ("name" or "per" or "monitor")).ToList())
                hyper[key] = node.Get(key) is { } v ? Plain(v.Node) : null;
        }
        try
        {
            if (plateau)
            {
                var probe = new Sgd([Tensor.Zeros(new Shape(1)).RequiresGradInPlace()], new SgdOptions { Lr = 0.1 });
                ScheduleFactory.CreatePlateau(probe, hyper);
            }
            else ScheduleFactory.Create(name, hyper);
        }
        catch (ArgumentException e)
        {
            // Point at the offending hyperparameter when the factory's message names one of the keys.
            var message = StripParamName(e);
            var key = hyper.Keys.FirstOrDefault(k => message.Contains($"'{k}'", StringComparison.Ordinal) || message.Contains($": {k} ", StringComparison.Ordinal));
            throw (key is not null && node.IsMapping ? node.Get(key)! : node).Error(message);
        }
        return new ScheduleConfig { Name = name, Per = per, Monitor = monitor, Hyperparameters = hyper };
    }

    /// <summary>The factory's spelling of a schedule name given in any case (ExponentialDecay is Keras' name).</summary>
    internal static string? CanonicalName(string name)
    {
        if (name.Equals("ReduceLROnPlateau", StringComparison.OrdinalIgnoreCase)) return "ReduceLROnPlateau";
        if (name.Equals("ExponentialDecay", StringComparison.OrdinalIgnoreCase)) return "KerasExponentialDecay";
        return ScheduleFactory.Names.FirstOrDefault(n => n.Equals(name, StringComparison.OrdinalIgnoreCase));
    }

    // ArgumentException appends " (Parameter 'x')" to its message; the config error already names the key.
    private static string StripParamName(Exception e) =>
        e is ArgumentException { ParamName: { } p } ? e.Message.Replace($" (Parameter '{p}')", "", StringComparison.Ordinal) : e.Message;
}

using System.Globalization;
using Descent.Experiments;
using Descent.Tuning;

namespace Descent.Search.Studies;

/// <summary>
/// One tuned hyperparameter of a study file's <c>search:</c> section: its name in the study, the dotted experiment key
/// its sampled value is written to (as a <c>--set key=value</c> override), and its distribution.
/// <code>
/// search:
///   lr: {float: [1e-5, 1e-1], log: true}          # → optimizer.lr
///   hidden: {int: [32, 512], log: true}            # → model.hidden
///   optimizer: {choice: [sgd, adam, rmsprop]}      # → optimizer.name
///   model.hidden: {choice: [[128], [256, 128]]}    # any dotted key; lists are passed as YAML text
///   temperature: {float: [1, 10]}                  # → distillation.temperature (alpha → distillation.alpha)
///   sparsity: {float: [0.5, 0.95]}                 # → pruning.target_sparsity (any pruning.* key: method, frequency, …)
///   wd: {float: [1e-6, 1e-2], log: true, path: optimizer.weight_decay}
/// </code>
/// </summary>
public sealed record SearchParameter(string Name, string Path, Distribution Distribution)
{
    /// <summary>Short names and the experiment keys they stand for.</summary>
    public static IReadOnlyDictionary<string, string> Aliases { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["lr"] = "optimizer.lr",
        ["weight_decay"] = "optimizer.weight_decay",
        ["momentum"] = "optimizer.momentum",
        ["optimizer"] = "optimizer.name",
        ["batch_size"] = "data.batch_size",
        ["hidden"] = "model.hidden",
        ["dropout"] = "model.dropout",
        ["temperature"] = "distillation.temperature",
        ["alpha"] = "distillation.alpha",
        ["sparsity"] = "pruning.target_sparsity",
    };

    /// <summary>Upper bound on the values a grid enumerates for one int or stepped float parameter.</summary>
    public const int MaxGridValues = 100_000;

    /// <summary>Parses every entry of a <c>search:</c> mapping, in file order.</summary>
    public static IReadOnlyList<SearchParameter> ParseAll(ConfigNode search)
    {
        ArgumentNullException.ThrowIfNull(search);
        var list = new List<SearchParameter>();
        foreach (var key in search.Keys.ToList()) list.Add(Parse(key, search.Required(key)));
        if (list.Count == 0) throw search.Error("the search space is empty; add parameters such as lr: {float: [1e-4, 1e-1], log: true}");
        return list;
    }

    /// <summary>Parses one entry (<c>{float: [lo, hi], log, step, path}</c>, <c>{int: ...}</c> or <c>{choice: [...], path}</c>).</summary>
    public static SearchParameter Parse(string name, ConfigNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var path = node.Get("path")?.Text ?? (Aliases.TryGetValue(name, out var alias) ? alias : name);
        if (path.Length == 0 || path.Split('.').Any(string.IsNullOrWhiteSpace)) throw node.Error($"invalid path '{path}'");
        var kinds = new[] { "float", "int", "choice" }.Where(k => node.Keys.Contains(k)).ToList();
        if (kinds.Count != 1)
            throw node.Error("give exactly one of float: [low, high], int: [low, high] or choice: [values...]");
        Distribution d = kinds[0] switch
        {
            "float" => Float(node),
            "int" => Int(node),
            _ => Choice(node),
        };
        node.RejectUnknownKeys();
        return new SearchParameter(name, path, d);
    }

    /// <summary>The override <c>path=value</c> that applies sampled <paramref name="value"/> to the experiment.</summary>
    public string ToOverride(object? value) => Path + "=" + value switch
    {
        null => "null",
        bool b => b ? "true" : "false",
        double v => v.ToString("R", CultureInfo.InvariantCulture),
        float v => v.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    /// <summary>Every value of a finite space (choices, ints, stepped floats), or null for a continuous float.</summary>
    public IReadOnlyList<object?>? GridValues()
    {
        switch (Distribution)
        {
            case CategoricalDistribution c:
                return c.Choices;
            case IntDistribution i:
                {
                    long count = (i.High - i.Low) / i.Step + 1;
                    if (count > MaxGridValues) return null;
                    return Enumerable.Range(0, (int)count).Select(k => (object?)(i.Low + k * i.Step)).ToList();
                }
            case FloatDistribution { Step: { } step } f:
                {
                    long count = (long)Math.Floor((f.High - f.Low) / step + 1e-9) + 1;
                    if (count > MaxGridValues) return null;
                    return Enumerable.Range(0, (int)count).Select(k => (object?)(f.Low + k * step)).ToList();
                }
            default:
                return null;
        }
    }

    private static FloatDistribution Float(ConfigNode node)
    {
        var (low, high) = Bounds(node.Required("float"));
        bool log = node.Bool("log", false);
        double? step = node.Get("step")?.AsDouble();
        return FloatDistribution.Check(low, high, log, step) is { } problem
            ? throw node.Error(problem)
            : new FloatDistribution(low, high, log, step);
    }

    private static IntDistribution Int(ConfigNode node)
    {
        var range = node.Required("int");
        var (low, high) = Bounds(range);
        if (low != Math.Floor(low) || high != Math.Floor(high)) throw range.Error($"int bounds must be integers, got [{low}, {high}]");
        bool log = node.Bool("log", false);
        int step = node.Int("step", 1);
        try
        {
            return new IntDistribution(checked((int)low), checked((int)high), log, step);
        }
        catch (Exception e) when (e is ArgumentException or OverflowException)
        {
            throw node.Error(e.Message);
        }
    }

    private static CategoricalDistribution Choice(ConfigNode node)
    {
        var items = node.Required("choice");
        var values = items.Items().Select(ChoiceValue).ToList();
        if (values.Count == 0) throw items.Error("choice needs at least one value");
        try
        {
            return new CategoricalDistribution(values);
        }
        catch (ArgumentException e)
        {
            throw items.Error(e.Message);
        }
    }

    // Plain YAML scalars keep their type (so the study shows 0.1 and 3 as numbers); lists and mappings become their
    // flow-style YAML text, which the override parses back into the same structure.
    private static object? ChoiceValue(ConfigNode item)
    {
        if (!item.IsScalar) return item.ToFlowYaml();
        var text = item.Text;
        if (item.IsQuoted) return text;
        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l)) return l;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return d;
        if (text is "true" or "false") return text == "true";
        return text;
    }

    private static (double Low, double High) Bounds(ConfigNode range)
    {
        var v = range.AsDoubles();
        if (v.Length != 2) throw range.Error($"expected [low, high], got {v.Length} value(s)");
        if (!(v[0] <= v[1])) throw range.Error($"low {v[0]} must not exceed high {v[1]}");
        return (v[0], v[1]);
    }
}

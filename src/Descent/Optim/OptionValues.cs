using System.Collections;
using System.Globalization;

namespace Descent.Optim;

/// <summary>
/// Conversions of loosely typed hyperparameter values (from a state dict, a JSON/YAML config or a fixture) to
/// the typed option properties, with errors naming the owner and the hyperparameter.
/// </summary>
internal static class OptionValues
{
    public static double ToDouble(string owner, string name, object? value) => value switch
    {
        double d => d,
        float f => f,
        int i => i,
        long l => l,
        decimal m => (double)m,
        string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => throw new ArgumentException($"{owner}: {name} must be a number, got {Describe(value)}.", name),
    };

    public static int ToInt(string owner, string name, object? value)
    {
        double d = ToDouble(owner, name, value);
        if (d != Math.Floor(d) || d < int.MinValue || d > int.MaxValue)
            throw new ArgumentException($"{owner}: {name} must be an integer, got {Describe(value)}.", name);
        return (int)d;
    }

    public static bool ToBool(string owner, string name, object? value) => value switch
    {
        bool b => b,
        string s when bool.TryParse(s, out var parsed) => parsed,
        _ => throw new ArgumentException($"{owner}: {name} must be true or false, got {Describe(value)}.", name),
    };

    public static string ToText(string owner, string name, object? value) => value as string
        ?? throw new ArgumentException($"{owner}: {name} must be a string, got {Describe(value)}.", name);

    public static double[] ToDoubles(string owner, string name, object? value)
    {
        if (value is double[] array) return (double[])array.Clone();
        if (value is IEnumerable items and not string)
        {
            var list = new List<double>();
            foreach (var item in items) list.Add(ToDouble(owner, name, item));
            return [.. list];
        }
        throw new ArgumentException($"{owner}: {name} must be a list of numbers, got {Describe(value)}.", name);
    }

    public static (double, double) ToPair(string owner, string name, object? value)
    {
        var values = ToDoubles(owner, name, value);
        if (values.Length != 2)
            throw new ArgumentException($"{owner}: {name} must hold two numbers, got {values.Length}.", name);
        return (values[0], values[1]);
    }

    /// <summary>Names as alternatives in messages: <c>"a" or "b"</c>, <c>"a", "b" or "c"</c>.</summary>
    public static string Alternatives(IReadOnlyList<string> names) => names.Count == 1 ? $"\"{names[0]}\""
        : string.Join(", ", names.Take(names.Count - 1).Select(n => $"\"{n}\"")) + $" or \"{names[^1]}\"";

    /// <summary>A plain value as printed by options' ToString: numbers round-trip, lists in brackets.</summary>
    public static string Format(object? value) => value switch
    {
        null => "null",
        bool b => b ? "true" : "false",
        string s => s,
        IFormattable f => f.ToString(f is double or float ? "R" : null, CultureInfo.InvariantCulture),
        IDictionary map => "{" + string.Join(", ", map.Keys.Cast<object>().Select(k => $"{k}: {Format(map[k])}")) + "}",
        IEnumerable items => "[" + string.Join(", ", items.Cast<object?>().Select(Format)) + "]",
        _ => value.ToString() ?? "",
    };

    public static string Describe(object? value) => value switch
    {
        null => "null",
        string s => $"\"{s}\"",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture) + $" ({value.GetType().Name})",
        _ => value.GetType().Name,
    };
}

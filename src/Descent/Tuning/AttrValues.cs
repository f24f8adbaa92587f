using System.Collections;
using System.Collections.ObjectModel;

namespace Descent.Tuning;

/// <summary>
/// The value model of user/system attributes and categorical choices: the JSON shapes
/// (null, string, bool, long, double, lists, string-keyed maps), so that every storage can persist
/// them and an in-memory study reads back exactly what a SQL-backed one would.
/// </summary>
public static class AttrValues
{
    /// <summary>
    /// Converts <paramref name="value"/> to its canonical form: integral types become <see cref="long"/>,
    /// <see cref="float"/>/<see cref="decimal"/> become <see cref="double"/>, sequences become read-only
    /// <c>IReadOnlyList&lt;object?&gt;</c>, string-keyed dictionaries become read-only maps.
    /// </summary>
    /// <exception cref="ArgumentException">The value (or a nested value) has no JSON representation.</exception>
    public static object? Normalize(object? value) => value switch
    {
        null => null,
        string s => s,
        bool b => b,
        double d => d,
        float f => (double)f,
        decimal m => (double)m,
        long l => l,
        int i => (long)i,
        short s16 => (long)s16,
        byte u8 => (long)u8,
        sbyte s8 => (long)s8,
        ushort u16 => (long)u16,
        uint u32 => (long)u32,
        ulong u64 when u64 <= long.MaxValue => (long)u64,
        char c => c.ToString(),
        IDictionary dict => NormalizeMap(dict),
        IEnumerable seq => NormalizeList(seq),
        _ => throw new ArgumentException(
            $"attribute values must be null, string, bool, a number, a list or a string-keyed map; got {value.GetType().Name}"),
    };

    /// <summary>Deep equality of two normalized values (lists element-wise, maps key-wise; NaN equals NaN).</summary>
    public static bool DeepEquals(object? a, object? b)
    {
        if (a is IReadOnlyList<object?> la && b is IReadOnlyList<object?> lb)
        {
            if (la.Count != lb.Count) return false;
            for (int i = 0; i < la.Count; i++)
                if (!DeepEquals(la[i], lb[i])) return false;
            return true;
        }
        if (a is IReadOnlyDictionary<string, object?> ma && b is IReadOnlyDictionary<string, object?> mb)
        {
            if (ma.Count != mb.Count) return false;
            foreach (var (k, v) in ma)
                if (!mb.TryGetValue(k, out var w) || !DeepEquals(v, w)) return false;
            return true;
        }
        return Equals(a, b);
    }

    private static ReadOnlyCollection<object?> NormalizeList(IEnumerable seq)
    {
        var list = new List<object?>();
        foreach (var item in seq) list.Add(Normalize(item));
        return list.AsReadOnly();
    }

    private static ReadOnlyDictionary<string, object?> NormalizeMap(IDictionary dict)
    {
        var map = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in dict)
        {
            if (entry.Key is not string key)
                throw new ArgumentException("attribute maps must have string keys");
            map[key] = Normalize(entry.Value);
        }
        return map.AsReadOnly();
    }

    /// <summary>Formats a normalized value for messages and <c>ToString</c> (strings quoted, invariant culture).</summary>
    public static string Format(object? value) => value switch
    {
        null => "null",
        string s => "\"" + s + "\"",
        bool b => b ? "true" : "false",
        double d => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        long l => l.ToString(System.Globalization.CultureInfo.InvariantCulture),
        IReadOnlyList<object?> list => "[" + string.Join(", ", list.Select(Format)) + "]",
        IReadOnlyDictionary<string, object?> map => "{" + string.Join(", ", map.Select(kv => $"\"{kv.Key}\": {Format(kv.Value)}")) + "}",
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "",
    };
}

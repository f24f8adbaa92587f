namespace Descent.Optim;

/// <summary>
/// Reads named hyperparameters from a loosely typed dictionary (a configuration file, a fixture), applying defaults
/// for absent or null entries and failing on missing required ones and, at the end, on names nobody read.
/// </summary>
internal sealed class HyperparameterReader
{
    private readonly string _owner;
    private readonly IReadOnlyDictionary<string, object?> _values;
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public HyperparameterReader(string owner, IReadOnlyDictionary<string, object?>? values)
    {
        _owner = owner;
        _values = values ?? new Dictionary<string, object?>();
    }

    public object? Raw(string name)
    {
        _read.Add(name);
        return _values.TryGetValue(name, out var v) ? v : null;
    }

    public double Double(string name, double? fallback = null) =>
        Raw(name) is { } v ? OptionValues.ToDouble(_owner, name, v) : fallback ?? throw Missing(name);

    public double? NullableDouble(string name) => Raw(name) is { } v ? OptionValues.ToDouble(_owner, name, v) : null;

    public int Int(string name, int? fallback = null) =>
        Raw(name) is { } v ? OptionValues.ToInt(_owner, name, v) : fallback ?? throw Missing(name);

    public int? NullableInt(string name) => Raw(name) is { } v ? OptionValues.ToInt(_owner, name, v) : null;

    public bool Bool(string name, bool fallback) => Raw(name) is { } v ? OptionValues.ToBool(_owner, name, v) : fallback;

    public string Text(string name, string fallback) => Raw(name) is { } v ? OptionValues.ToText(_owner, name, v) : fallback;

    public int[] Ints(string name)
    {
        var values = OptionValues.ToDoubles(_owner, name, Raw(name) ?? throw Missing(name));
        var ints = new int[values.Length];
        for (int i = 0; i < values.Length; i++) ints[i] = OptionValues.ToInt(_owner, name, values[i]);
        return ints;
    }

    /// <summary>Throws for every entry that was never read (an unknown hyperparameter).</summary>
    public void EnsureAllUsed()
    {
        foreach (var key in _values.Keys)
            if (!_read.Contains(key))
                throw new ArgumentException($"{_owner}: unknown hyperparameter '{key}' (known: {string.Join(", ", _read)}).");
    }

    public ArgumentException Invalid(string name, object? value, string expected) =>
        new($"{_owner}: {name} must be {expected}, got {OptionValues.Describe(value)}.");

    private ArgumentException Missing(string name) => new($"{_owner}: missing required hyperparameter '{name}'.");
}

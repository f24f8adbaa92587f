using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Descent.NN.Architecture;

/// <summary>
/// The settings of one module in a <see cref="ModelArchitecture"/> (sizes, strides, flags): written by a module kind's
/// describe function, read back by its build function. A missing or mistyped option read from a file throws an
/// <see cref="InvalidDataException"/> naming the file, the module's path, its kind and the option.
/// </summary>
public sealed class ModuleOptions
{
    private readonly JsonObject _values;
    private readonly string _where;

    internal ModuleOptions(JsonObject values, string where)
    {
        _values = values;
        _where = where;
    }

    /// <summary>Empty options for a describe function to fill.</summary>
    public ModuleOptions() : this([], "") { }

    internal JsonObject Json => _values;

    /// <summary>The option names, in the order they were written.</summary>
    public IEnumerable<string> Keys => _values.Select(kv => kv.Key);

    /// <summary>True when <paramref name="key"/> is present (and not null).</summary>
    public bool Has(string key) => _values[key] is not null;

    /// <summary>Sets an integer option.</summary>
    public ModuleOptions Set(string key, long value) => Put(key, JsonValue.Create(value));

    /// <summary>Sets a number option (finite, or NaN/±inf written as strings).</summary>
    public ModuleOptions Set(string key, double value) =>
        Put(key, double.IsFinite(value) ? JsonValue.Create(value) : JsonValue.Create(value.ToString("R", CultureInfo.InvariantCulture)));

    /// <summary>Sets a flag.</summary>
    public ModuleOptions Set(string key, bool value) => Put(key, JsonValue.Create(value));

    /// <summary>Sets a text option (null: absent).</summary>
    public ModuleOptions Set(string key, string? value) => value is null ? this : Put(key, JsonValue.Create(value));

    /// <summary>Sets a list of integers (shapes, kernel sizes).</summary>
    public ModuleOptions Set(string key, IEnumerable<int> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return Put(key, new JsonArray(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray()));
    }

    private ModuleOptions Put(string key, JsonNode? value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        _values[key] = value;
        return this;
    }

    /// <summary>An integer option.</summary>
    public int Int(string key) => Read(key, "an integer", n => n.GetValue<int>());

    /// <summary>An integer option, or <paramref name="fallback"/> when absent.</summary>
    public int Int(string key, int fallback) => Has(key) ? Int(key) : fallback;

    /// <summary>A number option.</summary>
    public double Double(string key) => Read(key, "a number", n => n.GetValueKind() == JsonValueKind.String
        ? double.Parse(n.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture) : n.GetValue<double>());

    /// <summary>A number option, or null when absent.</summary>
    public double? NullableDouble(string key) => Has(key) ? Double(key) : null;

    /// <summary>A flag.</summary>
    public bool Bool(string key) => Read(key, "true or false", n => n.GetValue<bool>());

    /// <summary>A flag, or <paramref name="fallback"/> when absent.</summary>
    public bool Bool(string key, bool fallback) => Has(key) ? Bool(key) : fallback;

    /// <summary>A text option.</summary>
    public string String(string key) => Read(key, "a string", n => n.GetValue<string>());

    /// <summary>A text option, or null when absent.</summary>
    public string? NullableString(string key) => Has(key) ? String(key) : null;

    /// <summary>A list of integers.</summary>
    public int[] Ints(string key) => Read(key, "a list of integers", n => n.AsArray().Select(v => v!.GetValue<int>()).ToArray());

    private T Read<T>(string key, string expected, Func<JsonNode, T> read)
    {
        var node = _values[key] ?? throw new InvalidDataException($"{_where}: option '{key}' is missing.");
        try
        {
            // Values set in memory keep their CLR type (a long does not read as an int); their JSON text reads as any.
            return read(JsonNode.Parse(node.ToJsonString())!);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or OverflowException or NullReferenceException)
        {
            throw new InvalidDataException($"{_where}: option '{key}' must be {expected}, got {node.ToJsonString()}.", e);
        }
    }
}

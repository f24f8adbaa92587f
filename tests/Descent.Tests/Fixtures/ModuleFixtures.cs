using System.Collections.Concurrent;
using System.Text.Json;
using Descent.Tensors;

namespace Descent.Tests.Fixtures;

/// <summary>
/// The PyTorch golden module fixtures (layers.json, activations.json, losses.json; schema in
/// tests/fixtures/README.md), located and parsed through <see cref="FixtureFiles"/> and <see cref="FixtureJson"/>.
/// </summary>
public static class ModuleFixtures
{
    private static readonly ConcurrentDictionary<string, IReadOnlyList<ModuleCase>> Cache = new();

    /// <summary>All cases of <paramref name="file"/> (e.g. "layers.json"), parsed once.</summary>
    public static IReadOnlyList<ModuleCase> Cases(string file) => Cache.GetOrAdd(file, f =>
    {
        var list = new List<ModuleCase>();
        foreach (var c in FixtureFiles.Root(f).GetProperty("cases").EnumerateArray())
            list.Add(ModuleCase.Parse(c.Clone()));
        return list;
    });

    /// <summary>The case named <paramref name="name"/> in <paramref name="file"/>.</summary>
    public static ModuleCase Case(string file, string name) =>
        Cases(file).FirstOrDefault(c => c.Name == name) ?? throw new KeyNotFoundException($"{file} has no case '{name}'.");

    /// <summary>A fixture tensor; float data in <paramref name="floatType"/>, int64 and bool in their own dtype.</summary>
    public static Tensor ParseTensor(JsonElement e, DType floatType) => FixtureJson.ToTensor(e, floatType);
}

/// <summary>One module/activation/loss case: construction, inputs, and every expected value.</summary>
public sealed record ModuleCase(
    string Name, string Module, JsonElement Config, bool Training,
    IReadOnlyDictionary<string, JsonElement> Params, IReadOnlyDictionary<string, JsonElement> Buffers,
    IReadOnlyDictionary<string, JsonElement> Inputs, IReadOnlyDictionary<string, JsonElement> Outputs,
    IReadOnlyDictionary<string, JsonElement> GradOutputs, IReadOnlyDictionary<string, JsonElement> GradInputs,
    IReadOnlyDictionary<string, JsonElement> GradParams, IReadOnlyDictionary<string, JsonElement> BuffersAfter)
{
    /// <summary>Parses a case object.</summary>
    public static ModuleCase Parse(JsonElement c) => new(
        c.GetProperty("name").GetString()!, c.GetProperty("module").GetString()!, c.GetProperty("config"),
        c.GetProperty("training").GetBoolean(),
        Map(c, "params"), Map(c, "buffers"), Map(c, "inputs"), Map(c, "outputs"),
        Map(c, "grad_outputs"), Map(c, "grad_inputs"), Map(c, "grad_params"), Map(c, "buffers_after"));

    private static Dictionary<string, JsonElement> Map(JsonElement c, string key)
    {
        var d = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (c.TryGetProperty(key, out var obj) && obj.ValueKind == JsonValueKind.Object)
            foreach (var p in obj.EnumerateObject()) d[p.Name] = p.Value;
        return d;
    }
}

/// <summary>
/// Typed access to a case's <c>config</c> that records which keys were read, so a case with an option the
/// implementation does not know fails instead of being silently ignored.
/// </summary>
public sealed class FixtureConfig(JsonElement config, string module)
{
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    /// <summary>True when the key is present and not null.</summary>
    public bool Has(string key) => config.TryGetProperty(key, out var v) && v.ValueKind != JsonValueKind.Null;

    /// <summary>True when the key is present, even with a null value (marks it handled).</summary>
    public bool Present(string key)
    {
        _used.Add(key);
        return config.TryGetProperty(key, out _);
    }

    /// <summary>Marks a key as handled and returns its raw value (null when absent).</summary>
    public JsonElement? Raw(string key)
    {
        _used.Add(key);
        return config.TryGetProperty(key, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;
    }

    /// <summary>An integer option (required unless <paramref name="fallback"/> is given).</summary>
    public int Int(string key, int? fallback = null) =>
        Raw(key) is { } v ? (int)v.GetDouble() : fallback ?? throw Missing(key);

    /// <summary>An optional integer option (null when absent or null).</summary>
    public int? IntOrNull(string key) => Raw(key) is { } v ? (int)v.GetDouble() : null;

    /// <summary>A floating-point option.</summary>
    public double Double(string key, double? fallback = null) =>
        Raw(key) is { } v ? v.GetDouble() : fallback ?? throw Missing(key);

    /// <summary>A boolean option.</summary>
    public bool Bool(string key, bool? fallback = null) =>
        Raw(key) is { } v ? v.GetBoolean() : fallback ?? throw Missing(key);

    /// <summary>A string option.</summary>
    public string String(string key, string? fallback = null) =>
        Raw(key) is { } v ? v.GetString()! : fallback ?? throw Missing(key);

    /// <summary>An int-or-pair option (kernel_size, stride, ...) as (h, w).</summary>
    public (int, int) Pair(string key, (int, int)? fallback = null)
    {
        if (Raw(key) is not { } v) return fallback ?? throw Missing(key);
        if (v.ValueKind == JsonValueKind.Number) { int n = (int)v.GetDouble(); return (n, n); }
        var a = v.EnumerateArray().Select(x => (int)x.GetDouble()).ToArray();
        if (a.Length != 2) throw new InvalidDataException($"{module}: option '{key}' must have two entries, got {a.Length}.");
        return (a[0], a[1]);
    }

    /// <summary>An int list option (normalized_shape).</summary>
    public int[] Ints(string key)
    {
        if (Raw(key) is not { } v) throw Missing(key);
        return v.ValueKind == JsonValueKind.Number ? [(int)v.GetDouble()] : v.EnumerateArray().Select(x => (int)x.GetDouble()).ToArray();
    }

    /// <summary>An optional tensor option (class weights), in <paramref name="dtype"/>.</summary>
    public Tensor? Tensor(string key, DType dtype) => Raw(key) is { } v ? ModuleFixtures.ParseTensor(v, dtype) : null;

    /// <summary>Throws when the config has keys nothing read: an unknown option must fail the case.</summary>
    public void EnsureAllUsed()
    {
        var unknown = config.EnumerateObject().Select(p => p.Name).Where(k => !_used.Contains(k)).ToList();
        if (unknown.Count > 0)
            throw new InvalidDataException($"{module}: unknown config option(s) {string.Join(", ", unknown)}.");
    }

    private InvalidDataException Missing(string key) => new($"{module}: config option '{key}' is missing.");
}

using System.Collections.Concurrent;

namespace Descent.Tuning;

/// <summary>
/// JSON text of a <see cref="Distribution"/> in Optuna's <c>distribution_to_json</c> shape:
/// <c>{"name": "FloatDistribution", "attributes": {"low": 0.0, "high": 1.0, "log": false, "step": null}}</c>.
/// Parsed distributions are cached by text (a study has few distinct ones and reads them for every trial).
/// </summary>
internal static class DistributionJson
{
    private static readonly ConcurrentDictionary<string, Distribution> Parsed = new(StringComparer.Ordinal);

    /// <summary>Serializes a distribution.</summary>
    public static string Write(Distribution distribution) => AttrJson.Write(distribution switch
    {
        FloatDistribution f => Shape("FloatDistribution", new() { ["low"] = f.Low, ["high"] = f.High, ["log"] = f.Log, ["step"] = f.Step }),
        IntDistribution n => Shape("IntDistribution", new() { ["low"] = (long)n.Low, ["high"] = (long)n.High, ["log"] = n.Log, ["step"] = (long)n.Step }),
        CategoricalDistribution c => Shape("CategoricalDistribution", new() { ["choices"] = c.Choices }),
        _ => throw new ArgumentException($"unknown distribution type {distribution.GetType().Name}", nameof(distribution)),
    });

    /// <summary>Parses text written by <see cref="Write"/>.</summary>
    /// <exception cref="FormatException">The text is not a known distribution.</exception>
    public static Distribution Read(string json)
    {
        if (Parsed.TryGetValue(json, out var d)) return d;
        d = Parse(json);
        if (Parsed.Count < 4096) Parsed.TryAdd(json, d); // bounded: dynamic ranges could otherwise grow it without limit
        return d;
    }

    private static Distribution Parse(string json)
    {
        if (AttrJson.Read(json) is not IReadOnlyDictionary<string, object?> root
            || !root.TryGetValue("name", out var name)
            || !root.TryGetValue("attributes", out var a) || a is not IReadOnlyDictionary<string, object?> attrs)
            throw new FormatException($"stored distribution is not {{\"name\", \"attributes\"}}: {json}");
        try
        {
            return name switch
            {
                "FloatDistribution" => new FloatDistribution(Num(attrs["low"]), Num(attrs["high"]), (bool)attrs["log"]!,
                    attrs["step"] is null ? null : Num(attrs["step"])),
                "IntDistribution" => new IntDistribution(checked((int)(long)attrs["low"]!), checked((int)(long)attrs["high"]!),
                    (bool)attrs["log"]!, checked((int)(long)attrs["step"]!)),
                "CategoricalDistribution" => new CategoricalDistribution((IReadOnlyList<object?>)attrs["choices"]!),
                _ => throw new FormatException($"unknown distribution \"{name}\""),
            };
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidCastException or OverflowException or ArgumentException or NullReferenceException)
        {
            throw new FormatException($"stored distribution is invalid ({e.Message}): {json}", e);
        }
    }

    private static double Num(object? v) => v switch
    {
        double d => d,
        long l => l,
        _ => throw new InvalidCastException($"expected a number, got {AttrValues.Format(v)}"),
    };

    private static Dictionary<string, object?> Shape(string name, Dictionary<string, object?> attributes) =>
        new() { ["name"] = name, ["attributes"] = attributes };
}

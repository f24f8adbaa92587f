using Descent.Tuning;

namespace Descent.Search.Architecture;

/// <summary>
/// Decisions taken from a plan (a candidate a strategy wants evaluated) and, for decisions the plan does not hold or whose
/// planned value no longer fits (a block that a mutation added), from a fallback; every decision made is recorded, so
/// running a space on it gives the candidate's complete, consistent set of decisions.
/// </summary>
internal sealed class PlannedDecisions(IReadOnlyDictionary<string, double> plan, Func<string, Distribution, double> fallback) : IArchitectureDecisions
{
    /// <summary>The decisions made, in order, with their distributions and internal values.</summary>
    public Dictionary<string, (Distribution Distribution, double Value)> Made { get; } = new(StringComparer.Ordinal);

    /// <inheritdoc/>
    public double Suggest(string name, Distribution distribution)
    {
        if (Made.TryGetValue(name, out var made)) return made.Value;
        double value = plan.TryGetValue(name, out var planned) && distribution.Contains(planned) ? planned : fallback(name, distribution);
        Made[name] = (distribution, value);
        return value;
    }

    /// <summary>The internal values made, by name.</summary>
    public Dictionary<string, double> Values() => Made.ToDictionary(kv => kv.Key, kv => kv.Value.Value, StringComparer.Ordinal);
}

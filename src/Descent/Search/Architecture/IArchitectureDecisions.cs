using Descent.Tuning;

namespace Descent.Search.Architecture;

/// <summary>
/// Where an architecture's decisions come from while it is defined by run: a study trial (each decision a trial parameter,
/// as <see cref="Trial.Suggest"/>), or a strategy planning a candidate before the trial runs. Values are internal
/// representations (the choice index of a categorical), as samplers exchange them.
/// </summary>
public interface IArchitectureDecisions
{
    /// <summary>The decision called <paramref name="name"/> over <paramref name="distribution"/>; the same name twice gives the same value.</summary>
    double Suggest(string name, Distribution distribution);
}

/// <summary>Typed helpers over <see cref="IArchitectureDecisions"/>, and the adapter for study trials.</summary>
public static class ArchitectureDecisions
{
    /// <summary>The decisions of a study trial: every decision is the trial parameter of that name.</summary>
    public static IArchitectureDecisions Of(Trial trial)
    {
        ArgumentNullException.ThrowIfNull(trial);
        return new TrialDecisions(trial);
    }

    /// <summary>An integer in [<paramref name="low"/>, <paramref name="high"/>] on the grid of <paramref name="step"/>.</summary>
    public static int Int(this IArchitectureDecisions decisions, string name, int low, int high, int step = 1)
    {
        ArgumentNullException.ThrowIfNull(decisions);
        return (int)Math.Round(decisions.Suggest(name, new IntDistribution(low, high, step: step)));
    }

    /// <summary>One of <paramref name="choices"/> (strings, numbers or booleans).</summary>
    public static object? Choice(this IArchitectureDecisions decisions, string name, IReadOnlyList<object?> choices)
    {
        ArgumentNullException.ThrowIfNull(decisions);
        var d = new CategoricalDistribution(choices);
        return d.ToExternal(decisions.Suggest(name, d));
    }

    /// <summary>A number in [<paramref name="low"/>, <paramref name="high"/>], optionally on a step grid or a log scale.</summary>
    public static double Float(this IArchitectureDecisions decisions, string name, double low, double high, double? step = null, bool log = false)
    {
        ArgumentNullException.ThrowIfNull(decisions);
        return decisions.Suggest(name, new FloatDistribution(low, high, log, step));
    }

    private sealed class TrialDecisions(Trial trial) : IArchitectureDecisions
    {
        public double Suggest(string name, Distribution distribution) => trial.Suggest(name, distribution);
    }
}

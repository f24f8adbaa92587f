using Descent.Training;
using Descent.Experiments;
using Descent.Tuning;

namespace Descent.Search.Studies;

/// <summary>How a trial's objective value is taken from its per-epoch metric.</summary>
public enum ObjectiveEpoch
{
    /// <summary>The best epoch's value in the study's direction (as Keras Tuner does); the default for one metric.</summary>
    Best,
    /// <summary>The last epoch's value; the only choice for several metrics, whose best epochs could differ.</summary>
    Last,
}

/// <summary>
/// The <c>study:</c> section of a study file: what to optimize and how.
/// <code>
/// study:
///   name: mlp-search          # default: the experiment's name
///   metric: val_accuracy      # a per-epoch History key (val_loss, val_accuracy, loss, ...) or a list of them
///   direction: maximize       # default: minimize for *loss, *error, mae, rmse, mse; maximize otherwise
///   sampler: {name: tpe, seed: 0}
///   pruner: hyperband
///   trials: 50
///   timeout: 3600             # seconds
///   jobs: 1                   # trials run concurrently in this process
///   objective: best           # best | last epoch of each trial
/// </code>
/// </summary>
public sealed record StudySpec
{
    /// <summary>Study name (the storage key).</summary>
    public required string Name { get; init; }

    /// <summary>The metric(s) to optimize; several make a multi-objective study.</summary>
    public required IReadOnlyList<string> Metrics { get; init; }

    /// <summary>One direction per metric.</summary>
    public required IReadOnlyList<StudyDirection> Directions { get; init; }

    /// <summary>The <c>sampler:</c> node (null: TPE); built by <see cref="SamplerSpec"/> once the search space is known.</summary>
    public ConfigNode? Sampler { get; init; }

    /// <summary>The <c>strategy:</c> node of an architecture search (null: the command's default); <c>descent tune</c> rejects it.</summary>
    public ConfigNode? Strategy { get; init; }

    /// <summary>The <c>pruner:</c> node (null: none); built by <see cref="PrunerSpec"/>.</summary>
    public ConfigNode? Pruner { get; init; }

    /// <summary>Trials to run (null: until the timeout).</summary>
    public int? Trials { get; init; }

    /// <summary>Wall-clock budget (null: none).</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Concurrent trials in this process.</summary>
    public int Jobs { get; init; } = 1;

    /// <summary>Which epoch's metric a trial returns.</summary>
    public ObjectiveEpoch Objective { get; init; } = ObjectiveEpoch.Best;

    /// <summary>Parses the <c>study:</c> node (null: all defaults) with <paramref name="defaultName"/> as the fallback name.</summary>
    public static StudySpec Parse(ConfigNode? node, string defaultName)
    {
        ArgumentNullException.ThrowIfNull(defaultName);
        if (node is null)
            return new StudySpec { Name = defaultName, Metrics = ["val_loss"], Directions = [StudyDirection.Minimize] };
        var metricNode = node.Get("metric");
        IReadOnlyList<string> metrics = metricNode is null ? ["val_loss"]
            : metricNode.IsSequence ? metricNode.Items().Select(i => i.Text).ToList() : [metricNode.Text];
        if (metrics.Count == 0 || metrics.Any(string.IsNullOrWhiteSpace)) throw (metricNode ?? node).Error("metric names must not be empty");
        var directionNode = node.Get("direction");
        IReadOnlyList<StudyDirection> directions = directionNode is null ? metrics.Select(DefaultDirection).ToList()
            : (directionNode.IsSequence ? directionNode.Items() : [directionNode])
                .Select(d => d.AsChoice("minimize", "maximize") == "minimize" ? StudyDirection.Minimize : StudyDirection.Maximize).ToList();
        if (directions.Count != metrics.Count)
            throw directionNode!.Error($"{metrics.Count} metric(s) but {directions.Count} direction(s)");
        var objectiveNode = node.Get("objective");
        var objective = objectiveNode?.AsChoice("best", "last") == "last" || metrics.Count > 1 ? ObjectiveEpoch.Last : ObjectiveEpoch.Best;
        if (metrics.Count > 1 && objectiveNode?.Text == "best")
            throw objectiveNode.Error("objective: best needs a single metric (the best epochs of several metrics differ); use last");
        var trialsNode = node.Get("trials");
        int? trials = trialsNode?.AsInt();
        if (trials is < 1) throw trialsNode!.Error($"must be at least 1, got {trials}");
        var timeoutNode = node.Get("timeout");
        double? timeout = timeoutNode?.AsDouble();
        if (timeout is not null && !(timeout > 0)) throw timeoutNode!.Error($"must be a positive number of seconds, got {timeout}");
        var jobsNode = node.Get("jobs");
        int jobs = jobsNode?.AsInt() ?? 1;
        if (jobs < 1) throw jobsNode!.Error($"must be at least 1, got {jobs}");
        var spec = new StudySpec
        {
            Name = node.String("name", defaultName),
            Metrics = metrics,
            Directions = directions,
            Sampler = node.Get("sampler"),
            Strategy = node.Get("strategy"),
            Pruner = node.Get("pruner"),
            Trials = trials,
            Timeout = timeout is double t ? TimeSpan.FromSeconds(t) : null,
            Jobs = jobs,
            Objective = objective,
        };
        node.RejectUnknownKeys();
        return spec;
    }

    /// <summary>The trial's objective from its per-epoch history: the best epoch for one metric unless "last" was asked, else the last epoch.</summary>
    /// <exception cref="InvalidOperationException">The history has no epoch.</exception>
    public double[] ObjectiveValues(History history)
    {
        ArgumentNullException.ThrowIfNull(history);
        if (history.Epochs.Count == 0) throw new InvalidOperationException("the trial finished no epoch");
        if (Objective == ObjectiveEpoch.Last)
            return Metrics.Select(m => history.Epochs[^1][m]).ToArray();
        var series = history.Series(Metrics[0]);
        bool max = Directions[0] == StudyDirection.Maximize;
        double best = double.NaN;
        foreach (var v in series)
            if (!double.IsNaN(v) && (double.IsNaN(best) || (max ? v > best : v < best))) best = v;
        return [best];
    }

    /// <summary>Minimize losses and errors, maximize everything else (accuracy, R², top-k).</summary>
    public static StudyDirection DefaultDirection(string metric)
    {
        ArgumentNullException.ThrowIfNull(metric);
        var m = metric.StartsWith("val_", StringComparison.Ordinal) ? metric[4..] : metric;
        return m.EndsWith("loss", StringComparison.Ordinal) || m.EndsWith("error", StringComparison.Ordinal)
            || m is "mae" or "rmse" or "mse" or "seconds" or "parameters" or "macs" or "latency_ms"
            ? StudyDirection.Minimize
            : StudyDirection.Maximize;
    }
}

namespace Descent.Tuning;

/// <summary>Options of <see cref="Study.Create"/> (Optuna's <c>create_study</c> arguments).</summary>
public sealed record StudyOptions
{
    /// <summary>Study name; null generates a unique one.</summary>
    public string? StudyName { get; init; }

    /// <summary>Where trials live; null uses a fresh <see cref="InMemoryStorage"/>.</summary>
    public IStudyStorage? Storage { get; init; }

    /// <summary>The sampler; null uses <see cref="TpeSampler"/> with default options.</summary>
    public ISampler? Sampler { get; init; }

    /// <summary>The pruner; null uses <see cref="MedianPruner"/> for single-objective and <see cref="NopPruner"/> for multi-objective studies.</summary>
    public IPruner? Pruner { get; init; }

    /// <summary>Direction of a single-objective study (ignored when <see cref="Directions"/> is set).</summary>
    public StudyDirection Direction { get; init; } = StudyDirection.Minimize;

    /// <summary>Directions of a multi-objective study, one per objective.</summary>
    public IReadOnlyList<StudyDirection>? Directions { get; init; }

    /// <summary>When a study of this name exists, load it instead of failing (its directions must match).</summary>
    public bool LoadIfExists { get; init; }

    /// <summary>Heartbeats for detecting dead workers; null disables them.</summary>
    public HeartbeatOptions? Heartbeat { get; init; }
}

/// <summary>
/// Dead-worker detection (Optuna's <c>heartbeat_interval</c>, <c>grace_period</c> and
/// <c>RetryFailedTrialCallback</c>): a running trial records a heartbeat every <see cref="Interval"/>;
/// one whose latest heartbeat is older than <see cref="GracePeriod"/> is failed by the next worker that
/// asks for a trial and, when <see cref="MaxRetry"/> allows, re-enqueued with the same parameters.
/// </summary>
public sealed record HeartbeatOptions
{
    /// <summary>Creates the options; the grace period defaults to twice the interval.</summary>
    public HeartbeatOptions(TimeSpan interval, TimeSpan? gracePeriod = null, int? maxRetry = null)
    {
        if (interval <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(interval), interval, "interval must be positive");
        var grace = gracePeriod ?? interval * 2;
        if (grace < interval) throw new ArgumentOutOfRangeException(nameof(gracePeriod), grace, "grace period must be at least the interval");
        if (maxRetry is < 0) throw new ArgumentOutOfRangeException(nameof(maxRetry), maxRetry, "maxRetry must be >= 0");
        Interval = interval;
        GracePeriod = grace;
        MaxRetry = maxRetry;
    }

    /// <summary>How often a running trial records a heartbeat.</summary>
    public TimeSpan Interval { get; }

    /// <summary>Age of the latest heartbeat after which a running trial counts as dead.</summary>
    public TimeSpan GracePeriod { get; }

    /// <summary>How many times a dead trial is re-enqueued (null: never).</summary>
    public int? MaxRetry { get; }
}

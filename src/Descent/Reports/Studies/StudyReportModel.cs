namespace Descent.Reports.Studies;

/// <summary>
/// Everything a hyperparameter-study report shows, as plain values: the CLI converts a stored study into it
/// (parameter importance and Pareto membership included, computed by the tuning layer) and
/// <see cref="StudyReport.Render"/> turns it into HTML.
/// </summary>
public sealed record StudyReportModel
{
    /// <summary>The study's name (page title: "Study &lt;name&gt;").</summary>
    public string StudyName { get; init; } = "";

    /// <summary>One entry per objective, in order (a single-objective study has one).</summary>
    public IReadOnlyList<StudyObjective> Objectives { get; init; } = [new StudyObjective("value", Minimize: true)];

    /// <summary>The search-space parameters seen in the study's trials, in display order.</summary>
    public IReadOnlyList<StudyParameter> Parameters { get; init; } = [];

    /// <summary>All trials, ordered by number.</summary>
    public IReadOnlyList<StudyTrial> Trials { get; init; } = [];

    /// <summary>Importance of each parameter for the first objective (non-negative, most important first); empty omits the chart.</summary>
    public IReadOnlyList<(string Name, double Importance)> Importance { get; init; } = [];

    /// <summary>How <see cref="Importance"/> was estimated (e.g. "fANOVA"), or why it is missing.</summary>
    public string ImportanceNote { get; init; } = "";

    /// <summary>The candidates of an architecture search (<c>descent search</c>), by trial; empty for other studies.</summary>
    public IReadOnlyList<StudyArchitecture> Architectures { get; init; } = [];

    /// <summary>Extra overview rows (storage, sampler, user attributes...) shown under the trial counts.</summary>
    public IReadOnlyList<(string Key, string Value)> Overview { get; init; } = [];
}

/// <summary>An objective's name (e.g. "value", "val_loss") and direction.</summary>
public sealed record StudyObjective(string Name, bool Minimize);

/// <summary>
/// A search-space parameter. <see cref="Choices"/> is non-null for categorical parameters, whose values in
/// <see cref="StudyTrial.Params"/> are choice indices; <see cref="Log"/> draws its axis in log scale.
/// </summary>
public sealed record StudyParameter(string Name, bool Log = false, IReadOnlyList<string>? Choices = null);

/// <summary>One trial of a study.</summary>
/// <param name="Number">Trial number (0, 1, 2, … within the study).</param>
/// <param name="State">One of <see cref="StudyTrial.Complete"/>, <see cref="StudyTrial.Pruned"/>, "Failed", "Running", "Waiting".</param>
/// <param name="Values">Objective values (one per objective), or null.</param>
/// <param name="Params">Parameter values by name (categorical: choice index); absent = not suggested in this trial.</param>
public sealed record StudyTrial(int Number, string State, IReadOnlyList<double>? Values, IReadOnlyDictionary<string, double> Params)
{
    /// <summary>State name of a trial that finished with valid values.</summary>
    public const string Complete = "Complete";

    /// <summary>State name of a trial stopped by a pruner.</summary>
    public const string Pruned = "Pruned";

    /// <summary>Parameter values as the user sees them (e.g. "adam", "0.001"), for the trials table; falls back to <see cref="Params"/>.</summary>
    public IReadOnlyDictionary<string, string> ParamText { get; init; } = new Dictionary<string, string>();

    /// <summary>Intermediate values of the first objective reported per step, ascending by step.</summary>
    public IReadOnlyList<(double Step, double Value)> Intermediate { get; init; } = [];

    /// <summary>Wall time of the trial in seconds, when known.</summary>
    public double? DurationSeconds { get; init; }

    /// <summary>True when the trial is on the Pareto front (multi-objective) or ties for the best value (single-objective).</summary>
    public bool Best { get; init; }
}

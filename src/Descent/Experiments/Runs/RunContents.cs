using Descent.Training;

namespace Descent.Experiments.Runs;

/// <summary>
/// What <see cref="RunDirectory.ReadContents"/> found in a run directory, for reports and tools: each part is null when
/// its file is missing (a run still training has no summary.json yet).
/// </summary>
/// <param name="Name">The directory's name.</param>
/// <param name="Config">config.yaml as written (not parsed: a report shows it verbatim).</param>
/// <param name="Summary">summary.json.</param>
/// <param name="Metrics">metrics.csv: one record per epoch.</param>
/// <param name="Steps">steps.csv: one record per optimizer step.</param>
public sealed record RunContents(string Name, string? Config, RunSummary? Summary, History? Metrics, IReadOnlyList<StepRecord>? Steps);

using System.CommandLine;
using System.Globalization;
using Descent.Cli.Studies;
using Descent.Search.Architecture;
using Descent.Search.Studies;
using Descent.Tuning;

namespace Descent.Cli;

/// <summary>
/// <c>descent search study.yaml</c>: architecture search on the study engine of <c>descent tune</c> (same storages,
/// resume, workers and progress display). Each trial trains one candidate architecture; at the end the best candidates
/// are printed as layer diagrams, the best one is written as an experiment file <c>descent train</c> reruns, and the study
/// report shows accuracy against cost.
/// </summary>
public static class SearchCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var file = new Argument<string>("study.yaml") { Description = "Experiment + search_space: + study: sections (see docs/search.md)." };
        var strategy = new Option<string?>("--strategy")
        {
            Description = "random | evolution | reinforce | nsga2 (default: the file's study.strategy, else evolution; nsga2 for several metrics).",
        };
        var storage = new Option<string?>("--storage")
        {
            Description = "sqlite:///path.db or postgresql://user@host/db (default: sqlite:///<runs-dir>/<study>.db). Workers sharing it share the search.",
        };
        var trials = new Option<int?>("--trials") { Description = "Candidates for this worker (default: the file's study.trials)." };
        var timeout = new Option<double?>("--timeout") { Description = "Seconds for this worker (default: the file's study.timeout)." };
        var jobs = new Option<int?>("--jobs") { Description = "Concurrent candidates in this process (default: the file's study.jobs)." };
        var set = new Option<string[]>("--set") { Description = "Override a key of the file: --set epochs=3 (repeatable).", AllowMultipleArgumentsPerToken = false };
        var runsDir = new Option<string>("--runs-dir") { Description = "Where candidate runs, the best experiment and the report go.", DefaultValueFactory = _ => "runs" };
        var seed = new Option<long?>("--seed") { Description = "Strategy seed when the file gives none." };
        var quiet = new Option<bool>("--quiet") { Description = "No progress output." };
        var retry = new Option<int?>("--retry-failed") { Description = "Re-run a candidate whose worker died (no heartbeat for 60 s) up to N times (SQL storages)." };
        var cmd = new Command("search", "Search architectures: each trial trains a candidate network; strategies: random, evolution, reinforce, nsga2.")
        {
            file, strategy, storage, trials, timeout, jobs, set, runsDir, seed, quiet, retry,
        };
        cmd.SetAction((r, ct) => Task.FromResult(Run(r.GetValue(file)!, r.GetValue(strategy), r.GetValue(storage), r.GetValue(trials),
            r.GetValue(timeout), r.GetValue(jobs), r.GetValue(set) ?? [], r.GetValue(runsDir)!, r.GetValue(seed), r.GetValue(quiet),
            r.GetValue(retry), r.InvocationConfiguration.Output, r.InvocationConfiguration.Error, ct)));
        return cmd;
    }

    private static int Run(string path, string? strategy, string? storageUrl, int? trials, double? timeout, int? jobs, string[] overrides,
        string runsDir, long? seed, bool quiet, int? retry, TextWriter output, TextWriter error, CancellationToken ct)
    {
        StudySession.CheckOptions(trials, timeout, jobs, retry);
        if (strategy is not null && !StrategySpec.Names.Contains(strategy))
            throw new UserErrorException($"--strategy must be one of {string.Join(", ", StrategySpec.Names)}, got '{strategy}'.");
        var runner = new ArchitectureSearchRunner(StudyFile.Load(path, overrides), runsDir);
        return StudySession.Run(new StudySession.Plan(runner.File.Study.Name, runner.StudyDirectory, runner.DefaultStoragePath, storageUrl, trials ?? runner.File.Study.Trials, quiet, retry,
            (store, heartbeat) => runner.CreateStudy(store, strategy, loadIfExists: true, seed, heartbeat),
            (study, onTrialEnd) => runner.Optimize(study, trials, timeout is double s ? TimeSpan.FromSeconds(s) : null, jobs, onTrialEnd, ct),
            (study, before, url) => PrintResult(study, before, runner, url, output)), output, error);
    }

    private static void PrintResult(Study study, int before, ArchitectureSearchRunner runner, string storageUrl, TextWriter output)
    {
        output.WriteLine(StudySession.Counts(study, before));
        var failed = study.Trials.Skip(before).FirstOrDefault(t => t.State == TrialState.Failed);
        if (study.GetTrials(TrialState.Complete).Count == 0)
        {
            output.WriteLine(failed is null ? "no candidate completed." : $"no candidate completed; trial {failed.Number} failed: {StudySession.FailReason(failed)}");
            return;
        }
        var metrics = runner.File.Study.Metrics;
        var front = study.IsMultiObjective ? study.BestTrials.OrderByDescending(t => Order(study, t)).ToList() : [study.BestTrial];
        foreach (var t in front)
        {
            var values = string.Join(", ", metrics.Select((m, i) => string.Create(CultureInfo.InvariantCulture, $"{m} = {t.Values![i]:G6}")));
            string cost = t.UserAttrs.TryGetValue("parameters", out var p) ? string.Create(CultureInfo.InvariantCulture, $", {Convert.ToInt64(p, CultureInfo.InvariantCulture):N0} parameters") : "";
            output.WriteLine($"{(study.IsMultiObjective ? "pareto" : "best")} trial {t.Number}: {values}{cost}  run: {runner.TrialDirectory(t.Number)}");
            if (t.UserAttrs.TryGetValue(ArchitectureSearchRunner.DiagramAttr, out var d) && d is IReadOnlyList<object?> lines)
                foreach (var line in lines) output.WriteLine($"    {line}");
        }
        var best = front[0];
        try
        {
            var file = runner.WriteExperiment(best, Path.Combine(runner.StudyDirectory, "best.yaml"));
            output.WriteLine($"best architecture (trial {best.Number}): {file}  (descent train {file})");
        }
        catch (FileNotFoundException e)
        {
            output.WriteLine($"note: {e.Message}");
        }
        if (failed is not null) output.WriteLine($"note: trial {failed.Number} failed: {StudySession.FailReason(failed)}");
        output.WriteLine($"inspect: descent study show --storage {storageUrl} --study {study.Name}");
    }

    // On a Pareto front, the best first objective first.
    private static double Order(Study study, FrozenTrial t) => study.Directions[0] == StudyDirection.Maximize ? t.Values![0] : -t.Values![0];
}

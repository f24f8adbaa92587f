using System.CommandLine;
using System.Globalization;
using Descent.Search.Studies;
using Descent.Tuning;
using Descent.Cli.Studies;

namespace Descent.Cli;

/// <summary>
/// <c>descent tune study.yaml</c>: runs (or continues) a hyperparameter study whose trials are training runs, with a
/// progress bar showing the best value so far, then prints the best trial and writes the study report.
/// </summary>
public static class TuneCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var file = new Argument<string>("study.yaml") { Description = "Experiment + search: + study: sections (see docs/tuning.md)." };
        var storage = new Option<string?>("--storage")
        {
            Description = "sqlite:///path.db or postgresql://user@host/db (default: sqlite:///<runs-dir>/studies/<study>.db). Workers sharing it share the study.",
        };
        var trials = new Option<int?>("--trials") { Description = "Trials for this worker (default: the file's study.trials)." };
        var timeout = new Option<double?>("--timeout") { Description = "Seconds for this worker (default: the file's study.timeout)." };
        var jobs = new Option<int?>("--jobs") { Description = "Concurrent trials in this process (default: the file's study.jobs)." };
        var set = new Option<string[]>("--set") { Description = "Override a key of the file: --set epochs=3 (repeatable).", AllowMultipleArgumentsPerToken = false };
        var runsDir = new Option<string>("--runs-dir") { Description = "Runs folder: the study's trial runs and report go to <runs-dir>/studies/<study>/.", DefaultValueFactory = _ => "runs" };
        var seed = new Option<long?>("--seed") { Description = "Sampler seed (replaces the file's sampler seed). Each trial's draws depend on the seed and its trial number." };
        var quiet = new Option<bool>("--quiet") { Description = "No progress output." };
        var retry = new Option<int?>("--retry-failed")
        {
            Description = "Re-run a trial whose worker died (no heartbeat for 60 s) up to N times (SQL storages).",
        };
        var cmd = new Command("tune", "Tune hyperparameters: each trial trains the experiment with sampled values; pruners stop poor trials early.")
        {
            file, storage, trials, timeout, jobs, set, runsDir, seed, quiet, retry,
        };
        cmd.SetAction((r, ct) => Task.FromResult(Run(r.GetValue(file)!, r.GetValue(storage), r.GetValue(trials), r.GetValue(timeout),
            r.GetValue(jobs), r.GetValue(set) ?? [], r.GetValue(runsDir)!, r.GetValue(seed), r.GetValue(quiet), r.GetValue(retry),
            r.InvocationConfiguration.Output, r.InvocationConfiguration.Error, ct)));
        return cmd;
    }

    private static int Run(string path, string? storageUrl, int? trials, double? timeout, int? jobs, string[] overrides,
        string runsDir, long? seed, bool quiet, int? retry, TextWriter output, TextWriter error, CancellationToken ct)
    {
        StudySession.CheckOptions(trials, timeout, jobs, retry);
        var runner = new StudyRunner(StudyFile.Load(path, overrides), runsDir);
        return StudySession.Run(new StudySession.Plan(runner.File.Study.Name, runner.StudyDirectory, runner.DefaultStoragePath, storageUrl, trials ?? runner.File.Study.Trials, quiet, retry,
            (store, heartbeat) => runner.CreateStudy(store, loadIfExists: true, seed, heartbeat),
            (study, onTrialEnd) => runner.Optimize(study, trials, timeout is double s ? TimeSpan.FromSeconds(s) : null, jobs, onTrialEnd, ct),
            (study, before, url) => PrintResult(study, before, runner, url, output)), output, error);
    }

    private static void PrintResult(Study study, int before, StudyRunner runner, string storageUrl, TextWriter output)
    {
        output.WriteLine(StudySession.Counts(study, before));
        var failed = study.Trials.Skip(before).FirstOrDefault(t => t.State == TrialState.Failed);
        if (study.GetTrials(TrialState.Complete).Count == 0)
        {
            output.WriteLine(failed is null ? "no trial completed." : $"no trial completed; trial {failed.Number} failed: {StudySession.FailReason(failed)}");
            return;
        }
        var metrics = runner.File.Study.Metrics;
        foreach (var best in study.IsMultiObjective ? study.BestTrials : [study.BestTrial])
        {
            var values = string.Join(", ", metrics.Select((m, i) => string.Create(CultureInfo.InvariantCulture, $"{m} = {best.Values![i]:G6}")));
            var ps = string.Join(", ", best.Params.Select(p => $"{p.Key} = {Format(p.Value)}"));
            output.WriteLine($"best trial {best.Number}: {values}  [{ps}]  run: {runner.TrialDirectory(best.Number)}");
        }
        if (failed is not null) output.WriteLine($"note: trial {failed.Number} failed: {StudySession.FailReason(failed)}");
        output.WriteLine($"inspect: descent study show --storage {storageUrl} --study {study.Name}");
    }

    internal static string Format(object? v) => v switch
    {
        double d => d.ToString("G6", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => v?.ToString() ?? "null",
    };
}

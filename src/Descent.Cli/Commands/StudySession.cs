using Descent.Cli.Reports;
using Descent.Cli.Studies;
using Descent.Tuning;

namespace Descent.Cli;

/// <summary>
/// The session shared by <c>descent tune</c> and <c>descent search</c>: opens the study's storage (default: the
/// command's SQLite file, so running the command again continues the study), creates or loads the study with
/// heartbeats on SQL storages, runs it under the progress display, prints the result and writes the study report to
/// <c>report.html</c> in the study's folder.
/// </summary>
internal static class StudySession
{
    /// <summary>What a session runs.</summary>
    /// <param name="Name">The study name.</param>
    /// <param name="StudyDirectory">Where trial runs and the report go.</param>
    /// <param name="DefaultStoragePath">The SQLite file used when no storage URL is given.</param>
    /// <param name="StorageUrl">The storage URL, or null for the default SQLite file.</param>
    /// <param name="Trials">Trials expected (for the progress bar), or null.</param>
    /// <param name="Quiet">No progress output.</param>
    /// <param name="RetryFailed">Re-runs of a trial whose worker died (heartbeats), or null.</param>
    /// <param name="Create">Creates or loads the study on the storage with the heartbeat settings.</param>
    /// <param name="Optimize">Runs the trials, calling the given callback after each.</param>
    /// <param name="PrintResult">Prints the outcome: the study, the trial count before this run, the storage URL.</param>
    public sealed record Plan(string Name, string StudyDirectory, string DefaultStoragePath, string? StorageUrl, int? Trials, bool Quiet, int? RetryFailed,
        Func<IStudyStorage, HeartbeatOptions?, Study> Create, Action<Study, Action<Study, FrozenTrial>> Optimize,
        Action<Study, int, string> PrintResult);

    /// <summary>Runs the session; exit code 0 when some trial completed, else 1.</summary>
    /// <exception cref="UserErrorException">The storage cannot be opened.</exception>
    public static int Run(Plan plan, TextWriter output, TextWriter error)
    {
        Directory.CreateDirectory(plan.StudyDirectory);
        string storageUrl = plan.StorageUrl ?? "sqlite:///" + Path.GetFullPath(plan.DefaultStoragePath);
        IStudyStorage store;
        try
        {
            store = StorageFactory.Open(storageUrl);
        }
        catch (Exception e) when (e is StorageException or ArgumentException)
        {
            throw new UserErrorException(CliErrors.OneLine(e));
        }
        try
        {
            // SQL storages are shared by workers that may die: heartbeats let the others fail (and not wait on) their trials.
            var heartbeat = store is InMemoryStorage ? null : new HeartbeatOptions(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(60), plan.RetryFailed);
            var study = plan.Create(store, heartbeat);
            int before = study.Trials.Count;
            var progress = new StudyProgress(study, plan.Trials, plan.Quiet ? TextWriter.Null : error);
            progress.Run(onTrialEnd => plan.Optimize(study, onTrialEnd));
            plan.PrintResult(study, before, storageUrl);
            // From the study object, not the URL: a memory:// storage is empty when reopened.
            var report = StudyReportWriter.Write(study, Path.Combine(plan.StudyDirectory, "report.html"));
            output.WriteLine($"report: {report}");
            return study.GetTrials(TrialState.Complete).Count > 0 ? 0 : 1;
        }
        finally
        {
            (store as IDisposable)?.Dispose();
        }
    }

    /// <summary>Checks the budget options common to both commands.</summary>
    /// <exception cref="UserErrorException">A value out of range.</exception>
    public static void CheckOptions(int? trials, double? timeout, int? jobs, int? retry)
    {
        if (trials is < 1) throw new UserErrorException($"--trials must be at least 1, got {trials}.");
        if (timeout is not null && !(timeout > 0)) throw new UserErrorException($"--timeout must be a positive number of seconds, got {timeout}.");
        if (jobs is < 1) throw new UserErrorException($"--jobs must be at least 1, got {jobs}.");
        if (retry is < 0) throw new UserErrorException($"--retry-failed must not be negative, got {retry}.");
    }

    /// <summary>The first line of a trial's failure reason, or a pointer to its run directory.</summary>
    public static string FailReason(FrozenTrial t) =>
        t.SystemAttrs.TryGetValue(Study.FailReasonKey, out var r) && r is string s ? s : "see the trial's run directory";

    /// <summary>The counts line: trials of this run by state, and the study's total.</summary>
    public static string Counts(Study study, int before)
    {
        var all = study.Trials;
        var mine = all.Skip(before).ToList();
        return $"study {study.Name}: {mine.Count} trial(s) this run ({mine.Count(t => t.State == TrialState.Complete)} complete, " +
            $"{mine.Count(t => t.State == TrialState.Pruned)} pruned, {mine.Count(t => t.State == TrialState.Failed)} failed); {all.Count} in total";
    }
}

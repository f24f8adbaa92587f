using System.CommandLine;
using Descent.Cli.Reports;

namespace Descent.Cli;

/// <summary>
/// <c>descent report RUN</c>: (re)writes a training run's report.html; <c>descent report --study NAME --storage URL</c>:
/// writes a study's HTML report (default <c>study-&lt;name&gt;.html</c>).
/// </summary>
public static class ReportCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var run = new Argument<string?>("run") { Arity = ArgumentArity.ZeroOrOne, Description = "A run directory (runs/<name>) to write report.html for." };
        var study = new Option<string?>("--study") { Description = "Name of the study to report on (optional when the storage holds one study)." };
        var storage = new Option<string?>("--storage") { Description = "Study storage URL: sqlite:///path.db or postgresql://user:password@host:port/database." };
        var output = new Option<string?>("--output", "-o") { Description = "Where to write the HTML (default: RUN/report.html, or study-<name>.html)." };
        var cmd = new Command("report", "Write the HTML report of a training run (RUN) or of a study (--study NAME --storage URL).")
        {
            run, study, storage, output,
        };
        cmd.SetAction(r => Run(r.GetValue(run), r.GetValue(study), r.GetValue(storage), r.GetValue(output), r.InvocationConfiguration.Output));
        return cmd;
    }

    private static int Run(string? run, string? study, string? storage, string? output, TextWriter stdout)
    {
        string path;
        if (storage is not null || study is not null)
        {
            if (run is not null) throw new UserErrorException("give either a run directory or --study/--storage, not both");
            if (storage is null) throw new UserErrorException("--study needs --storage URL (sqlite:///path.db or postgresql://…)");
            path = StudyReportWriter.Write(storage, study, output);
        }
        else
        {
            if (run is null) throw new UserErrorException("give a run directory (descent report runs/NAME) or --study NAME --storage URL");
            path = RunReportWriter.Write(run, output);
        }
        stdout.WriteLine($"wrote {path}");
        return 0;
    }
}

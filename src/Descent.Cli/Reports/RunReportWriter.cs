using System.Text;
using Descent.Experiments.Runs;
using Descent.Reports.Runs;
using Descent.Serialization;

namespace Descent.Cli.Reports;

/// <summary>
/// Builds a run's report from its directory (<c>runs/&lt;name&gt;/</c>, read by <see cref="RunDirectory.ReadContents"/>)
/// and writes <c>report.html</c> there atomically. A missing file only omits its sections; a malformed one fails with
/// the file, line and column or key.
/// </summary>
public static class RunReportWriter
{
    /// <summary>Renders the report of <paramref name="runDir"/> into <c>report.html</c> in it; returns that path.</summary>
    /// <exception cref="DirectoryNotFoundException">No such directory.</exception>
    /// <exception cref="InvalidDataException">Not a run directory, or a malformed file (named with its line).</exception>
    public static string Write(string runDir) => Write(runDir, null);

    /// <summary>Renders the report of <paramref name="runDir"/> into <paramref name="output"/> (default: <c>report.html</c> in the run directory); returns that path.</summary>
    /// <exception cref="DirectoryNotFoundException">No such directory.</exception>
    /// <exception cref="InvalidDataException">Not a run directory, or a malformed file (named with its line).</exception>
    public static string Write(string runDir, string? output)
    {
        var model = BuildModel(runDir);
        var path = output ?? new RunDirectory(runDir).ReportPath;
        var bytes = Encoding.UTF8.GetBytes(RunReport.Render(model));
        AtomicFile.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>Reads the run directory into a <see cref="RunReportModel"/>.</summary>
    /// <exception cref="DirectoryNotFoundException">No such directory.</exception>
    /// <exception cref="InvalidDataException">Not a run directory, or a malformed file.</exception>
    public static RunReportModel BuildModel(string runDir)
    {
        ArgumentException.ThrowIfNullOrEmpty(runDir);
        var contents = new RunDirectory(runDir).ReadContents();
        // A distillation run's scratch student is a run directory inside it; its agreement per epoch joins the chart.
        var scratch = contents.Summary?.Distillation?.Models.FirstOrDefault(m => m.Role == "scratch")?.Run is { } rel
            ? new RunDirectory(Path.Combine(runDir, rel)) : null;
        var scratchHistory = scratch is not null && File.Exists(scratch.MetricsPath) ? scratch.ReadHistory() : null;
        var model = RunReportMapping.ToModel(contents, scratchHistory);
        // A pruned run (descent prune, a pruning: section) records each step's size, accuracy and latency.
        var pruning = Path.Combine(runDir, PruningHistoryReader.FileName);
        return File.Exists(pruning) ? model with { Pruning = PruningHistoryReader.Read(pruning) } : model;
    }
}

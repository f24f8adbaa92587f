using System.Text;
using Descent.Reports.Runs;
using Descent.Serialization;

namespace Descent.Cli.Reports;

/// <summary>
/// Builds a run's report from its directory (<c>runs/&lt;name&gt;/</c>: config.yaml, metrics.csv, steps.csv,
/// summary.json) and writes <c>report.html</c> there atomically. A missing file only omits its sections;
/// a malformed one fails with the file, line and column or key.
/// </summary>
public static class RunReportWriter
{
    /// <summary>The file names a run directory may hold.</summary>
    public const string ConfigFile = "config.yaml", MetricsFile = "metrics.csv", StepsFile = "steps.csv",
        SummaryFile = "summary.json", ReportFile = "report.html";

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
        var path = output ?? Path.Combine(runDir, ReportFile);
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
        if (!Directory.Exists(runDir)) throw new DirectoryNotFoundException($"run directory not found: {runDir}");
        string config = Path.Combine(runDir, ConfigFile), metrics = Path.Combine(runDir, MetricsFile),
            steps = Path.Combine(runDir, StepsFile), summary = Path.Combine(runDir, SummaryFile);
        if (!File.Exists(config) && !File.Exists(metrics) && !File.Exists(steps) && !File.Exists(summary))
            throw new InvalidDataException(
                $"{runDir} is not a run directory: it has none of {ConfigFile}, {MetricsFile}, {StepsFile}, {SummaryFile}");

        var model = new RunReportModel { Name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(runDir))) };
        if (File.Exists(summary)) model = RunSummaryReader.Read(summary, model);
        if (File.Exists(metrics)) model = model with { Epochs = ReadEpochs(metrics) };
        if (File.Exists(steps)) model = model with { Steps = ReadSteps(steps) };
        if (File.Exists(config)) model = model with { Config = File.ReadAllText(config) };
        return model;
    }

    private static EpochSeries ReadEpochs(string path)
    {
        var csv = CsvColumns.Read(path, "epoch");
        var columns = csv.Header.Skip(1).Select(h => new MetricColumn(h, csv.Column(h)!)).ToList();
        return new EpochSeries(csv.Column("epoch")!, columns);
    }

    private static StepSeries ReadSteps(string path)
    {
        var csv = CsvColumns.Read(path, "step");
        return new StepSeries(csv.Column("step")!, csv.Column("loss") ?? [], csv.Column("lr") ?? [], csv.Column("grad_norm") ?? [])
        {
            Epoch = csv.Column("epoch") ?? [],
        };
    }
}

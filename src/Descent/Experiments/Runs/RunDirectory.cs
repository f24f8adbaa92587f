using System.Globalization;
using System.Text;
using System.Text.Json;
using Descent.Experiments;
using Descent.Serialization;
using Descent.Training;

namespace Descent.Experiments.Runs;

/// <summary>
/// A run directory <c>runs/&lt;name&gt;/</c>: <c>config.yaml</c> (resolved experiment), <c>metrics.csv</c> (one row per
/// epoch), <c>steps.csv</c> (one row per optimizer step), <c>summary.json</c>, <c>checkpoints/last.ckpt</c> and
/// <c>checkpoints/best.ckpt</c>, and <c>report.html</c>. Every file is written atomically; reading errors name the file
/// and line. The layout is specified in docs/experiments.md.
/// </summary>
public sealed class RunDirectory
{
    /// <summary>A run directory at <paramref name="path"/> (not created; see <see cref="Create"/> and <see cref="Open"/>).</summary>
    public RunDirectory(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = System.IO.Path.GetFullPath(path);
    }

    /// <summary>Full path of the directory.</summary>
    public string Path { get; }

    /// <summary>The run's name (the directory's name).</summary>
    public string Name => System.IO.Path.GetFileName(Path.TrimEnd(System.IO.Path.DirectorySeparatorChar));

    /// <summary>config.yaml: the resolved experiment.</summary>
    public string ConfigPath => System.IO.Path.Combine(Path, "config.yaml");

    /// <summary>metrics.csv: epoch rows.</summary>
    public string MetricsPath => System.IO.Path.Combine(Path, "metrics.csv");

    /// <summary>steps.csv: optimizer-step rows.</summary>
    public string StepsPath => System.IO.Path.Combine(Path, "steps.csv");

    /// <summary>summary.json.</summary>
    public string SummaryPath => System.IO.Path.Combine(Path, "summary.json");

    /// <summary>checkpoints/.</summary>
    public string CheckpointsDirectory => System.IO.Path.Combine(Path, "checkpoints");

    /// <summary>checkpoints/last.ckpt: the latest full training checkpoint (resume point).</summary>
    public string LastCheckpointPath => System.IO.Path.Combine(CheckpointsDirectory, "last.ckpt");

    /// <summary>checkpoints/best.ckpt: the checkpoint of the best epoch by the monitored metric.</summary>
    public string BestCheckpointPath => System.IO.Path.Combine(CheckpointsDirectory, "best.ckpt");

    /// <summary>report.html.</summary>
    public string ReportPath => System.IO.Path.Combine(Path, "report.html");

    /// <summary>
    /// Creates a new run directory <c>&lt;runsDirectory&gt;/&lt;name&gt;</c>, or <c>&lt;name&gt;-2</c>, <c>-3</c>, …
    /// when that exists already.
    /// </summary>
    public static RunDirectory CreateUnique(string runsDirectory, string name) => Create(UniquePath(runsDirectory, name));

    /// <summary>
    /// The first of <c>&lt;runsDirectory&gt;/&lt;name&gt;</c>, <c>&lt;name&gt;-2</c>, <c>-3</c>, … that does not exist
    /// (not created, so a run that fails while loading leaves nothing behind).
    /// </summary>
    public static string UniquePath(string runsDirectory, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(runsDirectory);
        ArgumentException.ThrowIfNullOrEmpty(name);
        for (int i = 1; ; i++)
        {
            var path = System.IO.Path.GetFullPath(System.IO.Path.Combine(runsDirectory, i == 1 ? name : $"{name}-{i}"));
            if (!Directory.Exists(path) && !File.Exists(path)) return path;
        }
    }

    /// <summary>Creates (if needed) the directory at <paramref name="path"/> and its checkpoints folder.</summary>
    public static RunDirectory Create(string path)
    {
        var run = new RunDirectory(path);
        Directory.CreateDirectory(run.CheckpointsDirectory);
        return run;
    }

    /// <summary>An existing run directory (it must hold config.yaml).</summary>
    public static RunDirectory Open(string path)
    {
        var run = new RunDirectory(path);
        if (!Directory.Exists(run.Path)) throw new DirectoryNotFoundException($"{run.Path}: no such run directory.");
        if (!File.Exists(run.ConfigPath)) throw new FileNotFoundException($"{run.ConfigPath}: missing; {run.Path} is not a run directory.", run.ConfigPath);
        return run;
    }

    /// <summary>Reads config.yaml.</summary>
    public ExperimentConfig ReadConfig() => ExperimentConfig.Load(ConfigPath);

    /// <summary>Writes config.yaml (the resolved form of <paramref name="config"/>).</summary>
    public void WriteConfig(ExperimentConfig config) => WriteText(ConfigPath, config.ToYaml());

    /// <summary>Reads metrics.csv into a history (the <c>epoch</c> column gives the order and is checked).</summary>
    public History ReadHistory()
    {
        var history = new History();
        var (header, rows) = ReadCsv(MetricsPath);
        if (header.Length == 0 || header[0] != "epoch")
            throw new InvalidDataException($"{MetricsPath}:1: the header must start with 'epoch', got '{string.Join(',', header)}'.");
        for (int r = 0; r < rows.Count; r++)
        {
            var (line, values) = rows[r];
            if (values[0] != r + 1)
                throw new InvalidDataException($"{MetricsPath}:{line}: epoch {values[0]} where {r + 1} was expected.");
            var logs = new Dictionary<string, double>(StringComparer.Ordinal);
            for (int c = 1; c < header.Length; c++) logs[header[c]] = values[c];
            history.Add(logs);
        }
        return history;
    }

    /// <summary>Writes metrics.csv: header <c>epoch,</c> + the history's metric names, one row per epoch.</summary>
    public void WriteHistory(History history)
    {
        ArgumentNullException.ThrowIfNull(history);
        var names = history.MetricNames;
        var sb = new StringBuilder();
        sb.Append("epoch");
        foreach (var n in names) sb.Append(',').Append(n);
        sb.Append('\n');
        for (int e = 0; e < history.Epochs.Count; e++)
        {
            sb.Append((e + 1).ToString(CultureInfo.InvariantCulture));
            foreach (var n in names)
                sb.Append(',').Append(history.Epochs[e].TryGetValue(n, out var v) ? Num(v) : "");
            sb.Append('\n');
        }
        WriteText(MetricsPath, sb.ToString());
    }

    /// <summary>Reads steps.csv (empty when the file does not exist yet).</summary>
    public IReadOnlyList<StepRecord> ReadSteps()
    {
        if (!File.Exists(StepsPath)) return [];
        var (header, rows) = ReadCsv(StepsPath);
        if (!header.SequenceEqual(StepsHeader))
            throw new InvalidDataException($"{StepsPath}:1: expected the header '{string.Join(',', StepsHeader)}', got '{string.Join(',', header)}'.");
        return rows.Select(r => new StepRecord((long)r.Values[0], (int)r.Values[1], r.Values[2], r.Values[3], r.Values[4])).ToList();
    }

    /// <summary>Writes steps.csv (<c>step,epoch,loss,lr,grad_norm</c>).</summary>
    public void WriteSteps(IReadOnlyList<StepRecord> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        var sb = new StringBuilder(steps.Count * 48 + 32);
        sb.Append(string.Join(',', StepsHeader)).Append('\n');
        foreach (var s in steps)
            sb.Append(s.Step.ToString(CultureInfo.InvariantCulture)).Append(',').Append(s.Epoch.ToString(CultureInfo.InvariantCulture))
              .Append(',').Append(Num(s.Loss)).Append(',').Append(Num(s.Lr)).Append(',').Append(Num(s.GradNorm)).Append('\n');
        WriteText(StepsPath, sb.ToString());
    }

    /// <summary>Reads summary.json.</summary>
    public RunSummary ReadSummary()
    {
        if (!File.Exists(SummaryPath)) throw new FileNotFoundException($"{SummaryPath}: missing (the run has not finished).", SummaryPath);
        try
        {
            return JsonSerializer.Deserialize<RunSummary>(File.ReadAllText(SummaryPath), RunSummary.JsonOptions)
                ?? throw new InvalidDataException($"{SummaryPath}: empty.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{SummaryPath}:{(e.LineNumber ?? 0) + 1}: {e.Message}");
        }
    }

    /// <summary>Writes summary.json.</summary>
    public void WriteSummary(RunSummary summary) => WriteText(SummaryPath, JsonSerializer.Serialize(summary, RunSummary.JsonOptions) + "\n");

    /// <summary>The column names of steps.csv.</summary>
    public static IReadOnlyList<string> StepsHeader { get; } = ["step", "epoch", "loss", "lr", "grad_norm"];

    private static void WriteText(string path, string text) => AtomicFile.WriteAllBytes(path, Encoding.UTF8.GetBytes(text));

    private static string Num(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>A numeric CSV file: the header and each row's numbers with its line number; errors name file and line.</summary>
    private static (string[] Header, List<(int Line, double[] Values)> Rows) ReadCsv(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: missing.", path);
        var lines = File.ReadAllLines(path);
        if (lines.Length == 0) throw new InvalidDataException($"{path}:1: empty file (no header).");
        var header = lines[0].Split(',');
        var rows = new List<(int, double[])>();
        for (int i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0) continue;
            var cells = lines[i].Split(',');
            if (cells.Length != header.Length)
                throw new InvalidDataException($"{path}:{i + 1}: {cells.Length} values for {header.Length} columns.");
            var values = new double[cells.Length];
            for (int c = 0; c < cells.Length; c++)
            {
                if (cells[c].Length == 0) values[c] = double.NaN;
                else if (!double.TryParse(cells[c], NumberStyles.Float, CultureInfo.InvariantCulture, out values[c]))
                    throw new InvalidDataException($"{path}:{i + 1}: column '{header[c]}': '{cells[c]}' is not a number.");
            }
            rows.Add((i + 1, values));
        }
        return (header, rows);
    }
}

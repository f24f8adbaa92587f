using System.Globalization;
using System.Text;
using System.Text.Json;
using Descent.Serialization;
using Descent.Training;
using Descent.Training.Callbacks;

namespace Descent.Experiments.Runs;

/// <summary>
/// A run directory <c>runs/&lt;name&gt;/</c>: <c>config.yaml</c> (resolved experiment), <c>metrics.csv</c> (one row per
/// epoch), <c>steps.csv</c> (one row per optimizer step), <c>summary.json</c>, <c>checkpoints/</c> (written by
/// <see cref="ModelCheckpoint"/>: last.ckpt, best.ckpt, best.safetensors) and <c>report.html</c>. The only reader and
/// writer of these files: every file is written atomically, and read errors name the file, the line and the key or
/// column. The layout is specified in docs/experiments.md.
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
    public string LastCheckpointPath => System.IO.Path.Combine(CheckpointsDirectory, ModelCheckpoint.LastFileName);

    /// <summary>checkpoints/best.ckpt: the full training checkpoint of the best epoch by the monitored metric.</summary>
    public string BestCheckpointPath => System.IO.Path.Combine(CheckpointsDirectory, ModelCheckpoint.BestFileName);

    /// <summary>checkpoints/best.safetensors: the best epoch's model weights alone (PyTorch-loadable safetensors).</summary>
    public string BestWeightsPath => System.IO.Path.Combine(CheckpointsDirectory, ModelCheckpoint.BestWeightsFileName);

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

    /// <summary>Whether <paramref name="path"/> is a run directory (it holds config.yaml), for writers that must not write into one.</summary>
    public static bool IsRun(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return File.Exists(System.IO.Path.Combine(path, "config.yaml"));
    }

    /// <summary>An existing run directory (it must hold config.yaml).</summary>
    public static RunDirectory Open(string path)
    {
        var run = new RunDirectory(path);
        if (!Directory.Exists(run.Path)) throw new DirectoryNotFoundException($"{run.Path}: no such run directory.");
        if (!File.Exists(run.ConfigPath)) throw new FileNotFoundException($"{run.ConfigPath}: missing; {run.Path} is not a run directory.", run.ConfigPath);
        return run;
    }

    /// <summary>
    /// Deletes the temporary files of writes that a killed process left in the run directory and its checkpoints
    /// folder (every write is atomic, so the files themselves are intact); a resumed run then holds exactly the files
    /// of an uninterrupted one.
    /// </summary>
    public void RemoveLeftoverTemporaryFiles()
    {
        AtomicFile.RemoveLeftovers(Path);
        AtomicFile.RemoveLeftovers(CheckpointsDirectory);
    }

    /// <summary>
    /// Reads every file of the run that exists (a missing one leaves its part null), for reports and tools.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">No such directory.</exception>
    /// <exception cref="InvalidDataException">
    /// The directory holds none of config.yaml, metrics.csv, steps.csv and summary.json, or a file is malformed (named
    /// with its line and key or column).
    /// </exception>
    public RunContents ReadContents()
    {
        if (!Directory.Exists(Path)) throw new DirectoryNotFoundException($"run directory not found: {Path}");
        bool config = File.Exists(ConfigPath), metrics = File.Exists(MetricsPath), steps = File.Exists(StepsPath), summary = File.Exists(SummaryPath);
        if (!config && !metrics && !steps && !summary)
            throw new InvalidDataException($"{Path} is not a run directory: it has none of config.yaml, metrics.csv, steps.csv, summary.json");
        return new RunContents(Name, config ? ReadConfigText() : null, summary ? ReadSummary() : null,
            metrics ? ReadHistory() : null, steps ? ReadSteps() : null);
    }

    /// <summary>Reads config.yaml.</summary>
    public ExperimentConfig ReadConfig() => ExperimentConfig.Load(ConfigPath);

    /// <summary>Writes config.yaml (the resolved form of <paramref name="config"/>).</summary>
    public void WriteConfig(ExperimentConfig config) => WriteText(ConfigPath, config.ToYaml());

    /// <summary>Reads config.yaml as written, without parsing it (a report shows it verbatim).</summary>
    public string ReadConfigText() => File.ReadAllText(ConfigPath);

    /// <summary>
    /// Reads metrics.csv: one record per epoch (the <c>epoch</c> column must count 1, 2, …; an empty cell or
    /// <c>nan</c> is NaN).
    /// </summary>
    /// <exception cref="InvalidDataException">A malformed file: names the file, the line and the column.</exception>
    public History ReadHistory()
    {
        var csv = RunCsv.Read(MetricsPath, "epoch");
        var history = new History();
        foreach (var row in csv.Rows)
        {
            long epoch = csv.Integer(row, 0);
            if (epoch != history.Epochs.Count + 1)
                throw csv.Error(row.Line, $"epoch {epoch} where {history.Epochs.Count + 1} was expected");
            var logs = new Dictionary<string, double>(StringComparer.Ordinal);
            for (int c = 1; c < csv.Header.Count; c++) logs[csv.Header[c]] = row.Values[c];
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
                sb.Append(',').Append(history.Epochs[e].TryGetValue(n, out var v) ? RunCsv.Format(v) : "");
            sb.Append('\n');
        }
        WriteText(MetricsPath, sb.ToString());
    }

    /// <summary>
    /// Reads steps.csv (empty when the file does not exist yet). The first column is <c>step</c>; the others are found
    /// by name, and one the file lacks reads as NaN (<c>epoch</c> as 0).
    /// </summary>
    /// <exception cref="InvalidDataException">A malformed file: names the file, the line and the column.</exception>
    public IReadOnlyList<StepRecord> ReadSteps()
    {
        if (!File.Exists(StepsPath)) return [];
        var csv = RunCsv.Read(StepsPath, "step");
        int epoch = csv.IndexOf("epoch"), loss = csv.IndexOf("loss"), lr = csv.IndexOf("lr"), norm = csv.IndexOf("grad_norm");
        // Steps are whole numbers up to 2^53, the largest a double (how CSV cells are parsed) holds exactly.
        return csv.Rows.Select(r => new StepRecord(csv.Integer(r, 0, 1L << 53), epoch < 0 ? 0 : (int)csv.Integer(r, epoch),
            At(r.Values, loss), At(r.Values, lr), At(r.Values, norm))).ToList();

        static double At(double[] values, int column) => column < 0 ? double.NaN : values[column];
    }

    /// <summary>Writes steps.csv (<c>step,epoch,loss,lr,grad_norm</c>).</summary>
    public void WriteSteps(IReadOnlyList<StepRecord> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        var sb = new StringBuilder(steps.Count * 48 + 32);
        sb.Append(string.Join(',', StepsHeader)).Append('\n');
        foreach (var s in steps)
            sb.Append(s.Step.ToString(CultureInfo.InvariantCulture)).Append(',').Append(s.Epoch.ToString(CultureInfo.InvariantCulture))
              .Append(',').Append(RunCsv.Format(s.Loss)).Append(',').Append(RunCsv.Format(s.Lr)).Append(',').Append(RunCsv.Format(s.GradNorm)).Append('\n');
        WriteText(StepsPath, sb.ToString());
    }

    /// <summary>Reads summary.json (every key optional; see <see cref="RunSummary"/>).</summary>
    /// <exception cref="FileNotFoundException">The run has not finished.</exception>
    /// <exception cref="InvalidDataException">Invalid JSON or a value of the wrong type: names the file, the line and the key.</exception>
    public RunSummary ReadSummary()
    {
        if (!File.Exists(SummaryPath)) throw new FileNotFoundException($"{SummaryPath}: missing (the run has not finished).", SummaryPath);
        return RunSummaryReader.Read(SummaryPath);
    }

    /// <summary>Writes summary.json.</summary>
    public void WriteSummary(RunSummary summary) => WriteText(SummaryPath, JsonSerializer.Serialize(summary, RunSummary.JsonOptions) + "\n");

    /// <summary>pruning.json: the steps of a pruning run (<see cref="PruningStepRecord"/>).</summary>
    public string PruningPath => System.IO.Path.Combine(Path, "pruning.json");

    /// <summary>Writes pruning.json (an array of steps).</summary>
    public void WritePruning(IReadOnlyList<PruningStepRecord> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        WriteText(PruningPath, JsonSerializer.Serialize(steps, PruningStepRecord.JsonOptions) + "\n");
    }

    /// <summary>Reads pruning.json (empty when the run did not prune).</summary>
    /// <exception cref="InvalidDataException">The file is not an array of steps: names the file.</exception>
    public IReadOnlyList<PruningStepRecord> ReadPruning()
    {
        if (!File.Exists(PruningPath)) return [];
        try
        {
            return JsonSerializer.Deserialize<List<PruningStepRecord>>(File.ReadAllText(PruningPath), PruningStepRecord.JsonOptions)
                ?? throw new InvalidDataException($"{PruningPath}: null instead of an array of steps.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{PruningPath}: not an array of pruning steps: {e.Message}", e);
        }
    }

    /// <summary>The column names of steps.csv.</summary>
    public static IReadOnlyList<string> StepsHeader { get; } = ["step", "epoch", "loss", "lr", "grad_norm"];

    private static void WriteText(string path, string text) => AtomicFile.WriteAllBytes(path, Encoding.UTF8.GetBytes(text));
}

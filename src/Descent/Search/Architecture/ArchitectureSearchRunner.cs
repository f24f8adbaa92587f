using System.Globalization;
using Descent.Experiments;
using Descent.Search.Studies;
using Descent.Tuning;
using Descent.Training;

namespace Descent.Search.Architecture;

/// <summary>
/// Runs an architecture search file (<c>descent search</c>): every trial's candidate — decided by the strategy through the
/// trial's parameters — replaces the experiment's <c>model</c> with its list of layers, is trained into
/// <c>&lt;runs&gt;/&lt;study&gt;/trial-NNNN/</c> (a normal run directory), reports its metric per epoch (so the study's
/// pruner stops poor candidates early: multi-fidelity), and returns the study's objective(s); cost metrics
/// (<c>parameters</c>, <c>macs</c>, <c>latency_ms</c>) are measured by <see cref="ArchitectureCost"/>. The candidate's layers,
/// diagram and cost are stored as trial user attributes. It runs on the study engine of <c>descent tune</c>: same storages,
/// heartbeats, resume and workers.
/// </summary>
public sealed class ArchitectureSearchRunner
{
    /// <summary>Trial user attribute: the candidate's <c>model.layers</c> as YAML flow text.</summary>
    public const string LayersAttr = "architecture";

    /// <summary>Trial user attribute: the candidate's diagram, one line per block.</summary>
    public const string DiagramAttr = "diagram";

    /// <summary>Candidates drawn when the file is read to check the space against the experiment parser.</summary>
    private const int Probes = 16;

    /// <summary>Prepares a runner; the space and the experiment are checked now, so errors surface before any trial.</summary>
    /// <exception cref="ConfigException">No <c>search_space:</c>, a bad space or experiment, or a candidate the experiment parser rejects.</exception>
    public ArchitectureSearchRunner(StudyFile file, string runsDirectory)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(runsDirectory);
        File = file;
        RunsDirectory = runsDirectory;
        StudyRunner.RefuseRunFolders(runsDirectory, file.Study.Name, "search", "candidates");
        var node = file.SearchSpaceSection ?? throw new ConfigException($"{file.File}: descent search needs a search_space: section (see docs/search.md)");
        Space = ArchitectureSpace.Parse(node);
        BaseExperiment = ExperimentConfigReader.Read(file.Experiment());
        // Candidates must be valid experiments: parse a sample of them now (a bad kernel for the image size, say).
        var rng = new TuningRandom(0);
        for (int i = 0; i < Probes; i++)
        {
            var candidate = Space.Draw(new Dictionary<string, double>(), (_, d) => RandomSampler.Sample(rng, d)).Candidate;
            ExperimentConfigReader.Read(file.Experiment(Overrides(candidate, [])));
        }
    }

    /// <summary>The study file.</summary>
    public StudyFile File { get; }

    /// <summary>The runs folder; searches, like tuning studies, live under its <see cref="StudyRunner.StudiesFolder"/>.</summary>
    public string RunsDirectory { get; }

    /// <summary><c>&lt;runs&gt;/studies/&lt;study&gt;</c>: the candidates' runs, the report and best.yaml.</summary>
    public string StudyDirectory => StudyRunner.StudyDirectoryOf(RunsDirectory, File.Study.Name);

    /// <summary>The default SQLite file of the search, <c>&lt;runs&gt;/studies/&lt;study&gt;.db</c>.</summary>
    public string DefaultStoragePath => Path.Combine(RunsDirectory, StudyRunner.StudiesFolder, File.Study.Name + ".db");

    /// <summary>The architecture space of the file.</summary>
    public ArchitectureSpace Space { get; }

    /// <summary>The experiment without any candidate.</summary>
    public ExperimentConfig BaseExperiment { get; }

    /// <summary>
    /// Creates (or, with <paramref name="loadIfExists"/>, continues) the study in <paramref name="storage"/>, searched by
    /// <paramref name="strategy"/> (null: the file's <c>study.strategy</c>, else evolution, or nsga2 for several objectives).
    /// </summary>
    public Study CreateStudy(IStudyStorage storage, string? strategy = null, bool loadIfExists = true, long? seed = null, HeartbeatOptions? heartbeat = null)
    {
        ArgumentNullException.ThrowIfNull(storage);
        var spec = File.Study;
        var study = Study.Create(new StudyOptions
        {
            StudyName = spec.Name,
            Storage = storage,
            Sampler = StrategySpec.Create(spec.Strategy, strategy, Space, seed, spec.Metrics.Count),
            Pruner = PrunerSpec.Create(spec.Pruner, BaseExperiment.Epochs),
            Directions = spec.Directions,
            LoadIfExists = loadIfExists,
            Heartbeat = heartbeat,
        });
        study.SetSystemAttr(StudyRunner.MetricNamesAttr, spec.Metrics.Cast<object?>().ToList());
        return study;
    }

    /// <summary>Runs trials until the study file's budget (or the given overrides of it) is spent.</summary>
    public void Optimize(Study study, int? trials = null, TimeSpan? timeout = null, int? jobs = null,
        Action<Study, FrozenTrial>? onTrialEnd = null, CancellationToken cancellationToken = default) =>
        StudyLoop.Optimize(study, File.Study, File.File, Objective, trials, timeout, jobs, onTrialEnd, cancellationToken);

    /// <summary>One trial: decide the candidate, train it, report; throws <see cref="TrialPrunedException"/> when pruned.</summary>
    public double[] Objective(Trial trial, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(trial);
        var candidate = Space.Sample(trial);
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var p in File.Parameters) values[p.Name] = p.Distribution.ToExternal(trial.Suggest(p.Name, p.Distribution));
        var config = ExperimentConfigReader.Read(File.Experiment(Overrides(candidate, File.OverridesFor(values))));
        config = config with { Name = $"{File.Study.Name}-trial-{trial.Number}" };
        var runDir = TrialDirectory(trial.Number);
        trial.SetUserAttr("run_dir", runDir);
        trial.SetUserAttr(LayersAttr, candidate.LayersYaml());
        trial.SetUserAttr(DiagramAttr, candidate.Diagram().Cast<object?>().ToList());
        var cost = new ArchitectureCost();
        var reporter = new TrialReporter(trial, File.Study.Metrics);
        var result = ExperimentRunner.Run(config, runDir, [cost, reporter], cancellationToken);
        trial.SetUserAttr("parameters", cost.Parameters);
        trial.SetUserAttr("macs", cost.Macs);
        trial.SetUserAttr("latency_ms", cost.LatencyMs);
        if (reporter.Pruned) throw new TrialPrunedException();
        if (cancellationToken.IsCancellationRequested) throw new OperationCanceledException("the search was interrupted", cancellationToken);
        return File.Study.ObjectiveValues(result.History);
    }

    /// <summary>The run directory of trial <paramref name="number"/>.</summary>
    public string TrialDirectory(int number) => Path.Combine(StudyDirectory, $"trial-{number:D4}");

    /// <summary>
    /// Writes the experiment of <paramref name="trial"/> (its run's resolved <c>config.yaml</c>, renamed) to
    /// <paramref name="path"/>, so <c>descent train</c> reruns the architecture; returns the path.
    /// </summary>
    /// <exception cref="FileNotFoundException">The trial's run directory has no config.yaml.</exception>
    public string WriteExperiment(FrozenTrial trial, string path)
    {
        ArgumentNullException.ThrowIfNull(trial);
        ArgumentNullException.ThrowIfNull(path);
        string config = Path.Combine(TrialDirectory(trial.Number), "config.yaml");
        if (!System.IO.File.Exists(config)) throw new FileNotFoundException($"trial {trial.Number} has no {config}", config);
        var lines = System.IO.File.ReadAllLines(config);
        string name = string.Create(CultureInfo.InvariantCulture, $"{File.Study.Name}-best");
        for (int i = 0; i < lines.Length; i++)
            if (lines[i].StartsWith("name:", StringComparison.Ordinal)) lines[i] = "name: " + name;
        string header = string.Create(CultureInfo.InvariantCulture,
            $"# The architecture of trial {trial.Number} of study {File.Study.Name} (descent search); rerun it with: descent train {Path.GetFileName(path)}\n");
        Serialization.AtomicFile.WriteAllBytes(path, System.Text.Encoding.UTF8.GetBytes(header + string.Join('\n', lines) + "\n"));
        return path;
    }

    // The candidate replaces the model section; the experiment's dtype is kept.
    private IEnumerable<string> Overrides(ArchitectureCandidate candidate, IEnumerable<string> others) =>
        [$"model={{layers: {candidate.LayersYaml()}, dtype: {BaseExperiment.Model.DType}}}", .. others];
}

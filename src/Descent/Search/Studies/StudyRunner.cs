using Descent.Training;
using Descent.Experiments;
using Descent.Experiments.Runs;
using Descent.Tuning;

namespace Descent.Search.Studies;

/// <summary>
/// Runs a study file: every trial samples the search space, trains the experiment with those values into
/// <c>&lt;runs&gt;/studies/&lt;study&gt;/trial-NNNN/</c> (a normal run directory: metrics, checkpoints, report), reports the
/// metric per epoch so the pruner can stop it, and returns the metric of its best (or last) epoch.
/// </summary>
public sealed class StudyRunner
{
    /// <summary>System attribute holding the objective names, read by the study report (Optuna's metric_names).</summary>
    public const string MetricNamesAttr = "study:metric_names";

    /// <summary>
    /// The folder of the runs directory that holds studies: a study named like a training run (the README's
    /// fashion-mlp) once wrote its report and trial folders into that run (issue #18), so the two never share a name space.
    /// </summary>
    public const string StudiesFolder = "studies";

    /// <summary>Prepares a runner; the experiment is parsed once now so its errors surface before any trial.</summary>
    public StudyRunner(StudyFile file, string runsDirectory)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(runsDirectory);
        if (file.Parameters.Count == 0)
            throw new ConfigException($"{file.File}: descent tune needs a search: section (a search_space: alone is for descent search)");
        if (file.Study.Strategy is { } strategy)
            throw strategy.Error("strategy is an architecture search setting (descent search); descent tune takes a sampler:");
        File = file;
        RunsDirectory = runsDirectory;
        RefuseRunFolders(runsDirectory, file.Study.Name, "study", "trials");
        BaseExperiment = ExperimentConfigReader.Read(file.Experiment());
        foreach (var p in file.Parameters)
        {
            // Each value must also be a valid experiment: check the bounds of the space with the real parser.
            foreach (var probe in Probes(p))
                ExperimentConfigReader.Read(file.Experiment([p.ToOverride(probe)]));
        }
    }

    /// <summary>The study file.</summary>
    public StudyFile File { get; }

    /// <summary>The runs folder; studies live under its <see cref="StudiesFolder"/>.</summary>
    public string RunsDirectory { get; }

    /// <summary><c>&lt;runs&gt;/studies/&lt;study&gt;</c>: the study's report and its trial runs.</summary>
    public string StudyDirectory => StudyDirectoryOf(RunsDirectory, File.Study.Name);

    /// <summary>The default SQLite file of the study, <c>&lt;runs&gt;/studies/&lt;study&gt;.db</c>.</summary>
    public string DefaultStoragePath => Path.Combine(RunsDirectory, StudiesFolder, File.Study.Name + ".db");

    /// <summary><c>&lt;runs&gt;/studies/&lt;study&gt;</c>, where a study (tuning or architecture search) keeps its trials and report.</summary>
    public static string StudyDirectoryOf(string runsDirectory, string study) => Path.Combine(runsDirectory, StudiesFolder, study);

    /// <summary>
    /// Refuses a study whose folders (<c>&lt;runs&gt;/studies</c> or its own) are a training run's: a run may be called
    /// "studies" or like the study, and a study never writes into a run's folder.
    /// </summary>
    /// <exception cref="ArgumentException">One of the folders holds a run.</exception>
    internal static void RefuseRunFolders(string runsDirectory, string study, string what, string contents)
    {
        foreach (var dir in new[] { Path.Combine(runsDirectory, StudiesFolder), StudyDirectoryOf(runsDirectory, study) })
            if (RunDirectory.IsRun(dir))
                throw new ArgumentException($"{Path.GetFullPath(dir)} is a training run's directory (it holds config.yaml), and {what} {study} "
                    + $"would write its report and {contents} into it; move that run or give --runs-dir another folder.", nameof(runsDirectory));
    }

    /// <summary>The experiment without any sampled value.</summary>
    public ExperimentConfig BaseExperiment { get; }

    /// <summary>Creates (or, with <paramref name="loadIfExists"/>, continues) the study in <paramref name="storage"/>.</summary>
    public Study CreateStudy(IStudyStorage storage, bool loadIfExists = true, long? seed = null, HeartbeatOptions? heartbeat = null)
    {
        ArgumentNullException.ThrowIfNull(storage);
        var spec = File.Study;
        var study = Study.Create(new StudyOptions
        {
            StudyName = spec.Name,
            Storage = storage,
            Sampler = SamplerSpec.Create(spec.Sampler, seed, File.Parameters),
            Pruner = PrunerSpec.Create(spec.Pruner, BaseExperiment.Epochs),
            Directions = spec.Directions,
            LoadIfExists = loadIfExists,
            Heartbeat = heartbeat,
        });
        study.SetSystemAttr(MetricNamesAttr, spec.Metrics.Cast<object?>().ToList());
        return study;
    }

    /// <summary>Runs trials until the study file's budget (or the given overrides of it) is spent.</summary>
    public void Optimize(Study study, int? trials = null, TimeSpan? timeout = null, int? jobs = null,
        Action<Study, FrozenTrial>? onTrialEnd = null, CancellationToken cancellationToken = default) =>
        StudyLoop.Optimize(study, File.Study, File.File, Objective, trials, timeout, jobs, onTrialEnd, cancellationToken);

    /// <summary>One trial: sample, train, report; throws <see cref="TrialPrunedException"/> when pruned.</summary>
    public double[] Objective(Trial trial, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(trial);
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var p in File.Parameters)
        {
            double v = trial.Suggest(p.Name, p.Distribution);
            values[p.Name] = p.Distribution.ToExternal(v);
        }
        var config = ExperimentConfigReader.Read(File.Experiment(File.OverridesFor(values)));
        config = config with { Name = $"{File.Study.Name}-trial-{trial.Number}" };
        // Trials compare with each other: the scratch baseline of a distillation is the same for every trial.
        if (config.Distillation is { } kd) config = config with { Distillation = kd with { Scratch = false } };
        var runDir = TrialDirectory(trial.Number);
        // Trial numbers are unique in a storage, so an existing run here belongs to something else (a study of the same
        // name in another storage, e.g. memory://): refused rather than overwritten.
        if (RunDirectory.IsRun(runDir))
            throw new IOException($"{Path.GetFullPath(runDir)} already holds a run that is not trial {trial.Number} of this study "
                + "(another study of the same name wrote it?); refused rather than overwritten: rename the study or use another --runs-dir.");
        trial.SetUserAttr("run_dir", runDir);
        var reporter = new TrialReporter(trial, File.Study.Metrics);
        var result = ExperimentRunner.Run(config, runDir, [reporter], cancellationToken);
        if (reporter.Pruned) throw new TrialPrunedException();
        if (cancellationToken.IsCancellationRequested) throw new OperationCanceledException("the study was interrupted", cancellationToken);
        return ObjectiveValues(result.History);
    }

    /// <summary>The run directory of trial <paramref name="number"/>.</summary>
    public string TrialDirectory(int number) => Path.Combine(StudyDirectory, $"trial-{number:D4}");

    /// <summary>The trial's objective from its per-epoch history (best epoch for one metric unless "last" was asked).</summary>
    public double[] ObjectiveValues(History history) => File.Study.ObjectiveValues(history);

    // The ends of each numeric range and every choice: values a trial can be given.
    private static IEnumerable<object?> Probes(SearchParameter p) => p.Distribution switch
    {
        FloatDistribution f => [f.Low, f.High],
        IntDistribution i => [i.Low, i.High],
        CategoricalDistribution c => c.Choices,
        _ => [],
    };
}

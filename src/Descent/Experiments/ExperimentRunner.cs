using Descent.Experiments.Runs;
using Descent.Kernels;
using Descent.Training;
using Descent.Training.Callbacks;
using Descent.Training.Checkpointing;
using Descent.Training.Metrics;

namespace Descent.Experiments;

/// <summary>The outcome of <see cref="ExperimentRunner.Run(ExperimentConfig, string, IEnumerable{ICallback}?, CancellationToken)"/> or <see cref="ExperimentRunner.Resume(string, ResumeOptions, IEnumerable{ICallback}?, CancellationToken)"/>.</summary>
/// <param name="Run">The run directory.</param>
/// <param name="Summary">What summary.json holds (status, best epoch, test metrics, timing).</param>
/// <param name="History">Per-epoch metrics (as in metrics.csv).</param>
public sealed record ExperimentResult(RunDirectory Run, RunSummary Summary, History History)
{
    /// <summary>Test metrics (loss and the experiment's metrics).</summary>
    public IReadOnlyDictionary<string, double> Test => Summary.Test;

    /// <summary>"completed", "stopped" or "diverged".</summary>
    public string Status => Summary.Status!;   // the runner always sets it
}

/// <summary>
/// Runs an experiment into a run directory: builds it, writes config.yaml, trains with the run's logging and
/// checkpoint callbacks (plus any given ones), evaluates on the test set and writes summary.json. Resumes a run
/// from its last checkpoint so that it ends with exactly the weights of an uninterrupted run. A distillation run then
/// trains its same-seed scratch student (in <c>scratch/</c>) and records the comparison with it and the teachers.
/// </summary>
public static class ExperimentRunner
{
    /// <summary>
    /// Trains <paramref name="config"/> with <paramref name="runDirectory"/> as the run directory (created if needed).
    /// <paramref name="extraCallbacks"/> run after the experiment's own callbacks and before the checkpoint writer (a
    /// tuner's reporting/pruning callback goes here). Cancelling <paramref name="cancellationToken"/> stops training
    /// after the current batch with status "stopped". A failing run writes summary.json with status "failed" and rethrows.
    /// </summary>
    public static ExperimentResult Run(ExperimentConfig config, string runDirectory, IEnumerable<ICallback>? extraCallbacks = null,
        CancellationToken cancellationToken = default) => Run(config, runDirectory, null, extraCallbacks, cancellationToken);

    /// <summary>
    /// Trains <paramref name="config"/> as <see cref="Run(ExperimentConfig, string, IEnumerable{ICallback}?, CancellationToken)"/>
    /// does, starting from <paramref name="initial"/>'s model and weights (fine-tuning; e.g. a pruned checkpoint, whose
    /// architecture replaces the config's model section) when given; the optimizer and schedule start fresh.
    /// </summary>
    public static ExperimentResult Run(ExperimentConfig config, string runDirectory, InitialModel? initial,
        IEnumerable<ICallback>? extraCallbacks = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentException.ThrowIfNullOrEmpty(runDirectory);
        using var threads = ThreadScope(config.Threads);
        var warmup = StepWarmup.Start(config);
        var experiment = ExperimentBuilder.Build(config, initial?.Architecture);
        initial?.LoadInto(experiment);
        warmup.Wait();
        var run = RunDirectory.Create(runDirectory);
        run.WriteConfig(experiment.Config);
        return Finish(experiment, Execute(experiment, run, null, [], extraCallbacks, cancellationToken), extraCallbacks, cancellationToken);
    }

    /// <summary>
    /// Continues the run in <paramref name="runDirectory"/> from <c>checkpoints/last.ckpt</c> to its configured epochs:
    /// model, optimizer, schedule, early stopping, random generators and data order are restored, and steps.csv is cut
    /// back to the checkpoint. A finished run is refused (see <see cref="ResumeOptions"/>).
    /// </summary>
    public static ExperimentResult Resume(string runDirectory, IEnumerable<ICallback>? extraCallbacks = null,
        CancellationToken cancellationToken = default) => Resume(runDirectory, new ResumeOptions(), extraCallbacks, cancellationToken);

    /// <summary>
    /// Continues the run in <paramref name="runDirectory"/> as <paramref name="options"/> say: an interrupted run to its
    /// configured epochs (or <see cref="ResumeOptions.Epochs"/>), exactly as if never interrupted.
    /// </summary>
    /// <exception cref="ArgumentException">The run has finished (<see cref="FinishedReason"/>) and neither more epochs nor
    /// <see cref="ResumeOptions.Force"/> were asked for, or <see cref="ResumeOptions.Epochs"/> is not more than done.</exception>
    public static ExperimentResult Resume(string runDirectory, ResumeOptions options, IEnumerable<ICallback>? extraCallbacks = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var run = RunDirectory.Open(runDirectory);
        var config = run.ReadConfig();
        if (!File.Exists(run.LastCheckpointPath))
            throw new FileNotFoundException($"{run.LastCheckpointPath}: missing, so the run cannot resume (checkpoint.last was off, or the run died before its first checkpoint).", run.LastCheckpointPath);
        if (!options.Force && options.Epochs is null && FinishedReason(run) is { } finished)
            throw new ArgumentException($"{run.Path}: {finished}; nothing to resume (more epochs: ResumeOptions.Epochs; again from last.ckpt: Force).", nameof(runDirectory));
        var checkpoint = TrainingCheckpoint.Load(run.LastCheckpointPath);
        if (options.Epochs is int epochs)
        {
            int done = checkpoint.Resume.Epoch;
            if (epochs <= done)
                throw new ArgumentException($"{run.Path}: {epochs} epoch(s) asked for, but its last checkpoint has done {done} already; ask for more.", nameof(options));
            config = config with { Epochs = epochs };
        }
        using var threads = ThreadScope(config.Threads);
        var warmup = StepWarmup.Start(config);
        // The checkpoint's architecture, when it has one, is the model's shape now (pruned layers are smaller than config.yaml says).
        var experiment = ExperimentBuilder.Build(config, checkpoint.Architecture);
        warmup.Wait();
        CheckpointWeights.Load(experiment.TrainedModel, checkpoint.Model, run.LastCheckpointPath, StoredConfig(checkpoint, run.LastCheckpointPath),
            experiment.Config, $"this run's model ({run.ConfigPath})");
        try
        {
            checkpoint.Restore(experiment.TrainedModel, experiment.Optimizer);
            experiment.RestoreExtras(checkpoint.Extras);
            experiment.TrainLoader.Resume(checkpoint.Loader);
        }
        catch (Exception e) when (e is ArgumentException or InvalidDataException)
        {
            throw new InvalidDataException($"{run.LastCheckpointPath}: does not match {run.ConfigPath}: {e.Message}", e);
        }
        var steps = run.ReadSteps().Where(s => s.Step <= checkpoint.Resume.GlobalStep).ToList();
        run.RemoveLeftoverTemporaryFiles();
        if (options.Epochs is not null) run.WriteConfig(experiment.Config);
        return Finish(experiment, Execute(experiment, run, checkpoint, steps, extraCallbacks, cancellationToken), extraCallbacks, cancellationToken);
    }

    // A distillation run ends with its comparison (scratch student, teachers); other runs are done.
    private static ExperimentResult Finish(Experiment experiment, ExperimentResult result, IEnumerable<ICallback>? extraCallbacks,
        CancellationToken cancellationToken) =>
        experiment.Distiller is null ? result : DistillationComparison.Complete(experiment, result, extraCallbacks, cancellationToken);

    /// <summary>
    /// Why the run needs no resume, from its summary.json: "completed 5 of 5 epochs", "diverged: …" or "stopped early:
    /// …"; null when it can resume (no summary yet: it was killed; or cancelled, or failed).
    /// </summary>
    public static string? FinishedReason(RunDirectory run)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (!File.Exists(run.SummaryPath)) return null;
        var s = run.ReadSummary();
        return s.Status switch
        {
            "completed" => $"already completed {s.Epochs} epoch(s)",
            "diverged" => $"diverged ({s.StopReason}); resuming would repeat it",
            "stopped" when s.StopReason != CancelledReason => $"already stopped after {s.Epochs} epoch(s) ({s.StopReason})",
            _ => null,
        };
    }

    /// <summary>The stop reason of a run stopped by cancellation (Ctrl+C), which can resume.</summary>
    public const string CancelledReason = "cancelled";

    // The experiment a checkpoint says it came from, to name its model in a mismatch message (null when unreadable).
    private static ExperimentConfig? StoredConfig(TrainingCheckpoint checkpoint, string path)
    {
        try
        {
            return Experiment.ReadModelInfo(checkpoint, path).Config;
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or ArgumentException)
        {
            return null;
        }
    }

    private static ExperimentResult Execute(Experiment experiment, RunDirectory run, TrainingCheckpoint? checkpoint,
        IReadOnlyList<StepRecord> previousSteps, IEnumerable<ICallback>? extraCallbacks, CancellationToken cancellationToken)
    {
        var config = experiment.Config;
        var ck = config.Callbacks.Checkpoint;
        var steps = new StepRecorder(previousSteps);
        var logs = new RunLogWriter(run, steps);
        var writer = new ModelCheckpoint(run.CheckpointsDirectory, ck.Monitor, ExperimentBuilder.Mode(ck.Mode), ck.Best, ck.Last, ck.EverySteps)
        {
            Extras = experiment.CheckpointExtras,
            Architecture = experiment.CheckpointArchitecture,
            BeforeSave = _ => logs.WriteSteps(),
        };
        if (checkpoint is not null) writer.LoadState(checkpoint.Extras);
        var trainer = new Trainer(experiment.TrainedModel, experiment.Loss, experiment.Optimizer, experiment.TrainerOptions);
        // The step recorder first (gradient norm before clipping); the log and checkpoint writers last (a checkpoint stores
        // everyone's state, and steps.csv is flushed before it).
        trainer.With(steps);
        trainer.With([.. experiment.Callbacks]);
        trainer.With(new CancellationCallback(cancellationToken));
        if (extraCallbacks is not null) trainer.With([.. extraCallbacks]);
        trainer.With(logs, writer);

        History history;
        try
        {
            history = trainer.Fit(experiment.TrainLoader, experiment.ValidationLoader, config.Epochs, checkpoint?.Resume);
        }
        catch (Exception e)
        {
            run.WriteSummary(BaseSummary(experiment, run, writer) with
            {
                Status = "failed",
                StopReason = e.Message,
                Epochs = trainer.LastContext?.History.Epochs.Count ?? 0,
            });
            throw;
        }

        var ctx = trainer.LastContext!;
        ConfusionMatrix? confusion = experiment.Data.IsClassification && experiment.Outputs == experiment.Data.Classes
            ? new ConfusionMatrix(experiment.Data.Classes) : null;
        var test = trainer.Evaluate(experiment.TestLoader, confusion);
        double seconds = history.Series("seconds").Where(double.IsFinite).Sum();
        long samples = (long)history.Epochs.Count * experiment.TrainLoader.Dataset.Count;
        var summary = BaseSummary(experiment, run, writer) with
        {
            Status = ctx.Diverged ? "diverged" : ctx.StopTraining ? "stopped" : "completed",
            StopReason = ctx.StopTraining ? ctx.StopReason ?? "stopped by a callback" : null,
            Epochs = history.Epochs.Count,
            Test = test.Metrics,
            ConfusionMatrix = confusion is null ? null
                : Enumerable.Range(0, confusion.Classes).Select(r => Enumerable.Range(0, confusion.Classes).Select(c => confusion.Counts[r, c]).ToArray()).ToArray(),
            Timing = new RunTiming(seconds, seconds > 0 ? samples / seconds : 0),
        };
        run.WriteHistory(history);
        run.WriteSteps(steps.Steps);
        run.WriteSummary(summary);
        return new ExperimentResult(run, summary, history);
    }

    private static RunSummary BaseSummary(Experiment experiment, RunDirectory run, ModelCheckpoint writer) => new()
    {
        Name = run.Name,
        Status = "failed",
        BestEpoch = writer.Monitor.BestEpoch >= 0 ? writer.Monitor.BestEpoch + 1 : null,
        Monitor = writer.Monitor.Metric,
        Seed = experiment.Config.Seed,
        Parameters = experiment.Model.ParameterCount,
        ModelSummary = LayerSummaries.Compute(experiment.Model, experiment.Data.InputShape),
        ClassNames = experiment.Data.ClassNames,
    };

    /// <summary>
    /// Sets the kernel thread count of the run (which trains on the calling thread) when <paramref name="threads"/> is
    /// positive, until disposed. Thread-local, so trials that a study runs side by side keep their own counts.
    /// </summary>
    private static ParallelFor.ThreadsScope ThreadScope(int threads) =>
        threads > 0 ? ParallelFor.OverrideThreads(threads) : default;

    /// <summary>Stops training after the current batch once the token is cancelled.</summary>
    private sealed class CancellationCallback(CancellationToken token) : ICallback
    {
        void ICallback.OnBatchEnd(TrainingContext context)
        {
            if (token.IsCancellationRequested && !context.StopTraining)
            {
                context.StopTraining = true;
                context.StopReason = CancelledReason;
            }
        }
    }
}

using System.CommandLine;
using Descent.Cli.Progress;
using Descent.Cli.Reports;
using Descent.Training;
using Descent.Training.Callbacks;
using Descent.Experiments;
using Descent.Experiments.Runs;

namespace Descent.Cli;

/// <summary>
/// <c>descent train [experiment.yaml]</c> and <c>descent resume RUN</c>: run an experiment into <c>runs/&lt;name&gt;/</c>
/// (config.yaml, metrics.csv, steps.csv, summary.json, checkpoints/) with a progress display on stderr and the
/// test metrics on stdout. The experiment schema is in docs/experiments.md.
/// </summary>
public static class TrainCommand
{
    /// <summary>Builds <c>train</c>.</summary>
    public static Command Create()
    {
        var file = new Argument<string?>("experiment")
        {
            Arity = ArgumentArity.ZeroOrOne,
            Description = "Experiment YAML file (default: an MLP on the embedded Fashion-MNIST subset).",
        };
        var set = new Option<string[]>("--set")
        {
            Description = "Override a value, e.g. --set optimizer.lr=0.003 --set model.hidden=[128] (repeatable).",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var name = new Option<string?>("--name") { Description = "Run name (default: the experiment's name); -2, -3, … is appended when taken." };
        var runsDir = new Option<string>("--runs-dir") { Description = "Folder of run directories.", DefaultValueFactory = _ => "runs" };
        var dataDir = new Option<string?>("--data-dir") { Description = "Folder holding the full Fashion-MNIST IDX files." };
        var epochs = new Option<int?>("--epochs") { Description = "Override the number of epochs." };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "No progress output (results are still printed)." };
        var init = new Option<string?>("--init")
        {
            Description = "Start from this run's or checkpoint's model and weights (fine-tune; a pruned model keeps its shapes). " +
                "Without an experiment file, the checkpoint's own experiment is used.",
        };
        var cmd = new Command("train", "Train a model from an experiment file (or the built-in default) into runs/<name>/.")
        {
            file, set, name, runsDir, dataDir, epochs, init, quiet,
        };
        cmd.SetAction(r =>
        {
            var overrides = r.GetValue(set) ?? [];
            var path = r.GetValue(file);
            var initial = r.GetValue(init) is { } initPath ? InitialModel.Read(initPath) : null;
            var config = path is not null ? ExperimentConfig.Load(path, overrides)
                : initial?.Config is { } stored ? ExperimentConfig.Parse(stored.ToYaml(), $"{initial.Path} (stored config)", overrides)
                : ExperimentConfig.Parse(ExperimentConfig.DefaultYaml, "(default experiment)", overrides);
            config = CheckpointModel.WithDataDir(config, r.GetValue(dataDir));
            if (r.GetValue(epochs) is int e)
            {
                if (e < 1) throw new UserErrorException($"--epochs must be at least 1, got {e}.");
                config = config with { Epochs = e };
            }
            if (r.GetValue(name) is { } n)
            {
                if (n.Length == 0 || n.IndexOfAny(['/', '\\']) >= 0 || n is "." or "..")
                    throw new UserErrorException($"--name '{n}' cannot name a run directory.");
                config = config with { Name = n };
            }
            var runPath = RunDirectory.UniquePath(r.GetValue(runsDir)!, config.Name);
            var (output, errors) = Writers(r);
            errors.WriteLine($"descent: training '{config.Name}' for {config.Epochs} epoch(s) into {runPath}" +
                (initial is null ? "" : $", starting from {initial.Path}"));
            return Execute(output, errors, r.GetValue(quiet), (callbacks, token) => ExperimentRunner.Run(config, runPath, initial, callbacks, token));
        });
        return cmd;
    }

    /// <summary>Builds <c>resume</c>.</summary>
    public static Command CreateResume()
    {
        var runArg = new Argument<string>("run") { Description = "Run directory (runs/<name>)." };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "No progress output (results are still printed)." };
        var epochs = new Option<int?>("--epochs") { Description = "Train to this many epochs in total (also a finished run); config.yaml is updated." };
        var force = new Option<bool>("--force") { Description = "Resume from last.ckpt even though the run has finished (completed, stopped early or diverged)." };
        var cmd = new Command("resume", "Continue an interrupted run from checkpoints/last.ckpt to its configured epochs (exactly as if never interrupted).")
        {
            runArg, epochs, force, quiet,
        };
        cmd.SetAction(r =>
        {
            var (output, errors) = Writers(r);
            var path = r.GetValue(runArg)!;
            var options = new ResumeOptions { Epochs = r.GetValue(epochs), Force = r.GetValue(force) };
            if (options.Epochs is < 1) throw new UserErrorException($"--epochs must be at least 1, got {options.Epochs}.");
            var run = RunDirectory.Open(path);
            if (!options.Force && options.Epochs is null && ExperimentRunner.FinishedReason(run) is { } finished)
            {
                // Left alone: a finished run's files stay as they are. A diverged run is a failure, a finished one is not.
                bool diverged = run.ReadSummary().Status == "diverged";
                errors.WriteLine($"descent: {run.Path}: {finished}; left as it is. " +
                    (diverged ? "Change the experiment (see the advice of descent train) and train again, or resume with --force."
                              : "Train further with --epochs N (N epochs in total), or redo from last.ckpt with --force."));
                return diverged ? CliErrors.UserErrorExitCode : 0;
            }
            errors.WriteLine($"descent: resuming {run.Path}");
            return Execute(output, errors, r.GetValue(quiet), (callbacks, token) => ExperimentRunner.Resume(path, options, callbacks, token));
        });
        return cmd;
    }

    /// <summary>The result and progress writers of an invocation.</summary>
    internal static (TextWriter Output, TextWriter Errors) Writers(ParseResult r) =>
        (r.InvocationConfiguration.Output, r.InvocationConfiguration.Error);

    /// <summary>Runs <paramref name="run"/> with progress on stderr and Ctrl+C handling, prints the result and writes report.html.</summary>
    internal static int Execute(TextWriter output, TextWriter errors, bool quiet, Func<ICallback[], CancellationToken, ExperimentResult> run)
    {
        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            // First Ctrl+C: finish the current batch, checkpoint and summarize; a second one kills the process.
            if (cancel.IsCancellationRequested) return;
            e.Cancel = true;
            cancel.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        using var progress = quiet ? null : new ProgressCallback(Display(errors));
        try
        {
            var result = run(progress is null ? [] : [progress], cancel.Token);
            PrintResult(output, result);
            int code = 0;
            if (result.Status == "diverged")
            {
                errors.WriteLine($"descent: training diverged: {result.Summary.StopReason}. {DivergenceAdvice(result.Run.ReadConfig())}");
                code = CliErrors.UserErrorExitCode;
            }
            // The run's files are complete; the report is derived from them, so a rendering problem is reported
            // without failing the run (descent report RUN renders it again).
            try
            {
                output.WriteLine($"report: {RunReportWriter.Write(result.Run.Path)}");
            }
            catch (Exception e) when (e is InvalidDataException or IOException or FormatException)
            {
                errors.WriteLine($"descent: report.html was not written: {CliErrors.OneLine(e)}");
            }
            return code;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    // What usually tames a diverging run, with the run's own settings.
    private static string DivergenceAdvice(ExperimentConfig config)
    {
        var lr = config.Optimizer.Options.Lr.ToString("G4", System.Globalization.CultureInfo.InvariantCulture);
        var tips = new List<string> { $"a smaller learning rate (optimizer.lr is {lr}; try a tenth of it)" };
        if (config.Regularization.ClipNorm <= 0) tips.Add("gradient clipping (regularization.clip_norm: 1.0)");
        if (config.Schedule is null) tips.Add("a warmup schedule (schedule: {name: LinearLR, start_factor: 0.1, total_iters: 5})");
        if (!config.Data.Normalize) tips.Add("normalized inputs (data.normalize: true)");
        return $"Try {string.Join(", ", tips.SkipLast(1))}{(tips.Count > 1 ? " or " : "")}{tips[^1]}.";
    }

    // The live bar on a terminal; plain lines in logs, CI and tests.
    internal static ITrainingProgress Display(TextWriter errors) =>
        ReferenceEquals(errors, Console.Error) && LiveTrainingProgress.CanDrawOnStandardError
            ? LiveTrainingProgress.OnStandardError()
            : new PlainTextProgress(errors);

    private static void PrintResult(TextWriter output, ExperimentResult result)
    {
        var s = result.Summary;
        output.WriteLine($"run: {result.Run.Path}");
        output.WriteLine($"status: {s.Status} after {s.Epochs} epoch(s){(s.StopReason is { } why ? $" ({why})" : "")}");
        if (s.BestEpoch is int best) output.WriteLine($"best epoch: {best} by {s.Monitor}");
        foreach (var (k, v) in s.Test)
            output.WriteLine(FormattableString.Invariant($"test {k}: {v:F4}"));
        if (s.Distillation is { } kd) PrintComparison(output, kd);
    }

    // The distillation comparison: one row per model, the test metrics as columns.
    private static void PrintComparison(TextWriter output, DistillationSummary kd)
    {
        var metrics = kd.Models.SelectMany(m => m.Test.Keys).Distinct().ToList();
        output.WriteLine(FormattableString.Invariant($"distillation (T={kd.Temperature}, alpha={kd.Alpha}, teacher logits {kd.TeacherLogits}):"));
        output.WriteLine($"  {"model",-9}{string.Concat(metrics.Select(m => $"{"test " + m,16}"))}{"parameters",12}{"latency ms",12}");
        foreach (var m in kd.Models)
        {
            var cells = string.Concat(metrics.Select(k => m.Test.TryGetValue(k, out var v) ? FormattableString.Invariant($"{v,16:F4}") : $"{"",16}"));
            output.WriteLine(FormattableString.Invariant($"  {m.Role,-9}{cells}{m.Parameters,12}{m.LatencyMs,12:F3}"));
        }
    }
}

using System.CommandLine;
using System.Globalization;
using Descent.Cli.Reports;
using Descent.Experiments.Pruning;
using Descent.Experiments.Runs;
using Descent.Training.Callbacks;

namespace Descent.Cli;

/// <summary>
/// <c>descent prune RUN|CKPT [--method l1|l2|bn_scale|taylor|random] [--amount 0.5] [--structured|--unstructured]
/// [--global] [--steps N --finetune-epochs E] [--schedule polynomial|constant] [--rewind K]</c>: prunes a trained
/// model into a new run directory (pruned checkpoint, config, metrics, pruning.json) and prints each step. The flow is
/// <see cref="PruningRunner"/>; see docs/pruning.md.
/// </summary>
public static class PruneCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var source = new Argument<string>("run-or-checkpoint") { Description = "A trained run directory (its best.ckpt, else last.ckpt) or a .ckpt file." };
        var method = new Option<string>("--method") { Description = $"Importance: {string.Join(", ", PruningRunOptions.Methods)} (default l1).", DefaultValueFactory = _ => "l1" };
        var amount = new Option<double>("--amount") { Description = "Final fraction removed: of each layer's channels (structured) or of the weights (unstructured). Default 0.5.", DefaultValueFactory = _ => 0.5 };
        var structured = new Option<bool>("--structured") { Description = "Remove whole channels and hidden units (the default)." };
        var unstructured = new Option<bool>("--unstructured") { Description = "Mask individual weights instead." };
        var global = new Option<bool>("--global") { Description = "Rank all layers together instead of each layer on its own." };
        var steps = new Option<int>("--steps") { Description = "Prune in N steps (default 1).", DefaultValueFactory = _ => 1 };
        var finetune = new Option<int>("--finetune-epochs") { Description = "Fine-tune E epochs after each step (default 0).", DefaultValueFactory = _ => 0 };
        var schedule = new Option<string>("--schedule") { Description = "How the amount grows over the steps: polynomial (default) or constant.", DefaultValueFactory = _ => "polynomial" };
        var rewind = new Option<int?>("--rewind") { Description = "Lottery-ticket rewind (unstructured): restart each later fine-tuning from the weights after K steps of the first." };
        var name = new Option<string?>("--name") { Description = "Name of the new run (default: <source run>-pruned); -2, -3, … is appended when taken." };
        var runsDir = new Option<string?>("--runs-dir") { Description = "Folder of run directories (default: the source run's folder, else runs)." };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "No progress output (results are still printed)." };
        var cmd = new Command("prune", "Prune a trained model (structured or unstructured, in steps with fine-tuning) into a new run directory.")
        {
            source, method, amount, structured, unstructured, global, steps, finetune, schedule, rewind, name, runsDir, quiet,
        };
        cmd.SetAction(r =>
        {
            var (output, errors) = TrainCommand.Writers(r);
            if (r.GetValue(structured) && r.GetValue(unstructured)) throw new UserErrorException("--structured and --unstructured exclude each other.");
            var options = new PruningRunOptions
            {
                Method = r.GetValue(method)!,
                Amount = r.GetValue(amount),
                Structured = !r.GetValue(unstructured),
                Global = r.GetValue(global),
                Steps = r.GetValue(steps),
                FinetuneEpochs = r.GetValue(finetune),
                Schedule = r.GetValue(schedule)!,
                Rewind = r.GetValue(rewind) ?? -1,
            };
            options.Validate();
            var path = r.GetValue(source)!;
            var full = Path.GetFullPath(path);
            bool isRun = Directory.Exists(full);
            string baseName = isRun ? Path.GetFileName(full.TrimEnd(Path.DirectorySeparatorChar)) : Path.GetFileNameWithoutExtension(full);
            var runName = r.GetValue(name) ?? baseName + "-pruned";
            if (runName.Length == 0 || runName.IndexOfAny(['/', '\\']) >= 0 || runName is "." or "..")
                throw new UserErrorException($"--name '{runName}' cannot name a run directory.");
            var folder = r.GetValue(runsDir) ?? (isRun ? Path.GetDirectoryName(full.TrimEnd(Path.DirectorySeparatorChar))! : "runs");
            var runPath = RunDirectory.UniquePath(folder, runName);
            errors.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"descent: pruning {path} ({(options.Structured ? "structured" : "unstructured")}, {options.Method}{(options.Global ? ", global" : "")}, amount {options.Amount}, {options.Steps} step(s), {options.FinetuneEpochs} fine-tuning epoch(s) each) into {runPath}"));
            using var cancel = new CancellationTokenSource();
            ConsoleCancelEventHandler onCancel = (_, e) =>
            {
                if (cancel.IsCancellationRequested) return;
                e.Cancel = true;
                cancel.Cancel();
            };
            Console.CancelKeyPress += onCancel;
            try
            {
                using var progress = r.GetValue(quiet) || options.FinetuneEpochs == 0 ? null : new ProgressCallback(TrainCommand.Display(errors));
                output.WriteLine($"{"step",4} {"sparsity",9} {"parameters",11} {"MACs",12} {"file bytes",11} {"accuracy",9} {"loss",8} {"before ft",9}");
                var result = PruningRunner.Run(path, runPath, options, progress is null ? null : [progress], step => output.WriteLine(Row(step)), cancel.Token);
                output.WriteLine($"run: {result.Run.Path}");
                output.WriteLine($"checkpoint: {result.Run.BestCheckpointPath}");
                foreach (var (k, v) in result.Summary.Test)
                    output.WriteLine(FormattableString.Invariant($"test {k}: {v:F4}"));
                try
                {
                    output.WriteLine($"report: {RunReportWriter.Write(result.Run.Path)}");
                }
                catch (Exception e) when (e is InvalidDataException or IOException or FormatException)
                {
                    errors.WriteLine($"descent: report.html was not written: {CliErrors.OneLine(e)}");
                }
                return 0;
            }
            finally
            {
                Console.CancelKeyPress -= onCancel;
            }
        });
        return cmd;
    }

    private static string Row(PruningStepRecord s) => string.Create(CultureInfo.InvariantCulture,
        $"{s.Step,4} {s.Sparsity,9:P1} {s.Parameters,11} {s.Macs,12} {s.CheckpointBytes,11} {(s.Accuracy is double a ? a.ToString("F4", CultureInfo.InvariantCulture) : "-"),9} {s.Loss,8:F4} {(s.AccuracyBeforeFinetune is double b ? b.ToString("F4", CultureInfo.InvariantCulture) : "-"),9}");
}

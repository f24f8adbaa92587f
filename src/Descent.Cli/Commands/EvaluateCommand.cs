using System.CommandLine;
using System.Globalization;
using Descent.Experiments;

namespace Descent.Cli;

/// <summary><c>descent evaluate RUN|CHECKPOINT</c>: test-set loss, metrics and confusion matrix of a trained model.</summary>
public static class EvaluateCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var target = new Argument<string>("run-or-checkpoint") { Description = "A run directory (its best.ckpt, else last.ckpt) or a .ckpt file." };
        var dataDir = new Option<string?>("--data-dir") { Description = "Folder holding the full Fashion-MNIST IDX files." };
        var cmd = new Command("evaluate", "Evaluate a trained model on its experiment's test set.") { target, dataDir };
        cmd.SetAction(r =>
        {
            var (output, errors) = TrainCommand.Writers(r);
            var model = CheckpointModel.Load(r.GetValue(target)!);
            errors.WriteLine($"descent: evaluating {model.Path}");
            var (result, confusion) = model.Evaluate(r.GetValue(dataDir));
            output.WriteLine($"checkpoint: {model.Path}");
            output.WriteLine($"weights: {model.WeightsDescription}");
            output.WriteLine($"samples: {result.Samples}");
            foreach (var (k, v) in result.Metrics)
                output.WriteLine(FormattableString.Invariant($"test {k}: {v:F4}"));
            if (confusion is not null)
            {
                output.WriteLine("confusion matrix (rows: true class, columns: predicted):");
                int width = Math.Max(6, confusion.Counts.Cast<long>().Max().ToString(CultureInfo.InvariantCulture).Length + 1);
                for (int t = 0; t < confusion.Classes; t++)
                {
                    var name = t < model.Info.ClassNames.Count ? model.Info.ClassNames[t] : t.ToString(CultureInfo.InvariantCulture);
                    output.Write(name.PadRight(14));
                    for (int p = 0; p < confusion.Classes; p++)
                        output.Write(confusion.Counts[t, p].ToString(CultureInfo.InvariantCulture).PadLeft(width));
                    output.WriteLine();
                }
            }
            return 0;
        });
        return cmd;
    }
}

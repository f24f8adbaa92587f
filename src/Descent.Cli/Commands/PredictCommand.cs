using System.CommandLine;
using System.Text;
using Descent.Serialization;
using Descent.Experiments;

namespace Descent.Cli;

/// <summary><c>descent predict CHECKPOINT INPUT</c>: predictions of a trained model for a CSV or IDX file.</summary>
public static class PredictCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var checkpoint = new Argument<string>("checkpoint") { Description = "A .ckpt file or a run directory (its best.ckpt, else last.ckpt)." };
        var input = new Argument<string>("input") { Description = "Inputs: a .csv file or an IDX image file (.idx, -ubyte, optionally .gz)." };
        var outputPath = new Option<string?>("--output", "-o") { Description = "Write the predictions CSV here instead of to stdout." };
        var cmd = new Command("predict", "Predict with a trained model: class and class probabilities per row (or the regression output).")
        {
            checkpoint, input, outputPath,
        };
        cmd.SetAction(r =>
        {
            var (output, errors) = TrainCommand.Writers(r);
            var model = CheckpointModel.Load(r.GetValue(checkpoint)!);
            errors.WriteLine($"descent: predicting with {model.Path} ({model.WeightsDescription})");
            var predictions = model.Predict(r.GetValue(input)!);
            var csv = predictions.ToCsv();
            if (r.GetValue(outputPath) is { } path)
            {
                AtomicFile.WriteAllBytes(path, Encoding.UTF8.GetBytes(csv));
                errors.WriteLine($"descent: wrote {predictions.Rows} predictions to {Path.GetFullPath(path)}");
            }
            else output.Write(csv);
            return 0;
        });
        return cmd;
    }
}

using System.CommandLine;
using Descent.Experiments;

namespace Descent.Cli;

/// <summary><c>descent import model.onnx [--output RUN]</c>: an ONNX model as a Descent experiment ready to fine-tune.</summary>
public static class ImportCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var file = new Argument<string>("model") { Description = "An ONNX file (e.g. from torch.onnx.export)." };
        var outputPath = new Option<string?>("--output", "-o") { Description = "Folder to create (default: runs/<file name>)." };
        var cmd = new Command("import", "Import an ONNX model: writes model.onnx and experiment.yaml (train it with 'descent train RUN/experiment.yaml').")
        {
            file, outputPath,
        };
        cmd.SetAction(r =>
        {
            var (output, errors) = TrainCommand.Writers(r);
            var source = r.GetValue(file)!;
            var runDir = r.GetValue(outputPath) ?? Path.Combine("runs", Path.GetFileNameWithoutExtension(source));
            var imported = OnnxModels.ImportToRun(source, runDir);
            errors.WriteLine($"descent: imported {source} into {Path.GetFullPath(runDir)}");
            output.WriteLine(imported.Model.ToString());
            output.WriteLine($"parameters: {imported.Model.ParameterCount}");
            output.WriteLine($"experiment: {Path.Combine(Path.GetFullPath(runDir), "experiment.yaml")}");
            return 0;
        });
        return cmd;
    }
}

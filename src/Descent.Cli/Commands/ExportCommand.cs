using System.CommandLine;
using Descent.Experiments;
using Descent.Interop.Onnx;

namespace Descent.Cli;

/// <summary><c>descent export RUN|CKPT --format onnx [--opset N] [--output model.onnx]</c>: a trained model as an ONNX file.</summary>
public static class ExportCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var target = new Argument<string>("run-or-checkpoint") { Description = "A run directory (its best.ckpt, else last.ckpt) or a .ckpt file." };
        var format = new Option<string>("--format") { Description = "Output format (onnx).", DefaultValueFactory = _ => "onnx" };
        format.AcceptOnlyFromAmong("onnx");
        var opset = new Option<int?>("--opset") { Description = $"ONNX opset, {OnnxExporter.MinOpset} to {OnnxExporter.MaxOpset} (default {OnnxExporter.MinOpset})." };
        var outputPath = new Option<string?>("--output", "-o") { Description = "The file to write (default: model.onnx in the run directory, or the checkpoint's name with .onnx)." };
        var cmd = new Command("export", "Export a trained model as ONNX (dynamic batch axis; runs in ONNX Runtime and other ONNX consumers).")
        {
            target, format, opset, outputPath,
        };
        cmd.SetAction(r =>
        {
            var (output, errors) = TrainCommand.Writers(r);
            if (r.GetValue(opset) is { } o && (o < OnnxExporter.MinOpset || o > OnnxExporter.MaxOpset))
                throw new UserErrorException($"--opset {o} is not supported ({OnnxExporter.MinOpset} to {OnnxExporter.MaxOpset}).");
            var path = OnnxModels.ExportCheckpoint(r.GetValue(target)!, r.GetValue(outputPath), r.GetValue(opset));
            errors.WriteLine($"descent: wrote {path}");
            output.WriteLine(path);
            return 0;
        });
        return cmd;
    }
}

using System.Globalization;
using System.Text;
using Descent.Interop.Onnx;
using Descent.NN;
using Descent.Serialization;
using Descent.Tensors;

namespace Descent.Experiments;

/// <summary>
/// ONNX models in experiments: <c>model: {onnx: file.onnx}</c> builds the model by importing the file (its weights are
/// the starting point of training), <see cref="ExportCheckpoint"/> writes a run's trained model as ONNX
/// (<c>descent export</c>) and <see cref="ImportToRun"/> turns an ONNX file into a ready-to-train experiment
/// (<c>descent import</c>).
/// </summary>
public static class OnnxModels
{
    /// <summary>Imports <paramref name="path"/> for samples of <paramref name="inputShape"/> and <paramref name="outputs"/> outputs.</summary>
    public static Sequential Load(string path, int[] inputShape, int outputs)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        var imported = OnnxImporter.Import(path);
        var sample = imported.InputShape.Skip(1).ToArray();
        if (sample.Length != inputShape.Length || sample.Zip(inputShape).Any(p => p.First >= 0 && p.First != p.Second))
            throw new ConfigException($"model.onnx: {path} takes inputs [{Dims(imported.InputShape)}], but the data has samples of shape [{string.Join(", ", inputShape)}].");
        if (imported.OutputShape.Count > 0 && imported.OutputShape[^1] >= 0 && imported.OutputShape[^1] != outputs)
            throw new ConfigException($"model.onnx: {path} has {imported.OutputShape[^1]} outputs, but the data and loss need {outputs}.");
        var model = imported.Model as Sequential ?? new Sequential(imported.Model);
        model.Train();
        return model;
    }

    /// <summary>
    /// Writes the model of <paramref name="checkpointOrRun"/> (a checkpoint file, or a run directory's best/last checkpoint)
    /// as ONNX to <paramref name="output"/> (default: model.onnx in the run directory, or the checkpoint's name with .onnx).
    /// Returns the path written.
    /// </summary>
    public static string ExportCheckpoint(string checkpointOrRun, string? output = null, int? opset = null)
    {
        var model = CheckpointModel.Load(checkpointOrRun);
        output ??= Directory.Exists(checkpointOrRun) ? Path.Combine(checkpointOrRun, "model.onnx") : Path.ChangeExtension(checkpointOrRun, ".onnx");
        OnnxExporter.Save(model.Model, output, model.Info.InputShape, new OnnxExportOptions { Opset = opset });
        return Path.GetFullPath(output);
    }

    /// <summary>
    /// Imports <paramref name="onnxPath"/> (failing on anything unsupported) and writes <paramref name="runDir"/>: a copy
    /// of the file as model.onnx and experiment.yaml, an experiment that fine-tunes it (Fashion-MNIST data for
    /// 1×28×28 or 784-wide inputs; other data is to be set in the file).
    /// </summary>
    public static OnnxModel ImportToRun(string onnxPath, string runDir)
    {
        ArgumentException.ThrowIfNullOrEmpty(onnxPath);
        ArgumentException.ThrowIfNullOrEmpty(runDir);
        var imported = OnnxImporter.Import(onnxPath);
        Directory.CreateDirectory(runDir);
        AtomicFile.WriteAllBytes(Path.Combine(runDir, "model.onnx"), File.ReadAllBytes(onnxPath));
        var sample = imported.InputShape.Skip(1).ToArray();
        bool fashion = imported.InputDType == DType.Float32 && (sample.SequenceEqual([1, 28, 28]) || sample.SequenceEqual([784]));
        var yaml = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"# Imported from {Path.GetFullPath(onnxPath)} by descent import ({imported.Producer}, opset {imported.Opset}).")
            .AppendLine(CultureInfo.InvariantCulture, $"# Input '{imported.InputName}' [{Dims(imported.InputShape)}] {imported.InputDType.TorchName()}, output '{imported.OutputName}' [{Dims(imported.OutputShape)}].")
            .AppendLine(fashion ? "" : "# Set data: to a data set whose samples have the input shape above (see docs/experiments.md).")
            .AppendLine(CultureInfo.InvariantCulture, $"name: {ExperimentConfigWriter.Str(Path.GetFileName(Path.GetFullPath(runDir).TrimEnd(Path.DirectorySeparatorChar)))}")
            .AppendLine("epochs: 1")
            .AppendLine("data: {dataset: fashion-mnist}")
            .AppendLine("model: {onnx: model.onnx}")
            .AppendLine("optimizer: {name: adam, lr: 0.0001}")
            .ToString();
        AtomicFile.WriteAllBytes(Path.Combine(runDir, "experiment.yaml"), Encoding.UTF8.GetBytes(yaml));
        return imported;
    }

    private static string Dims(IEnumerable<int> dims) => string.Join(", ", dims.Select(d => d < 0 ? "batch" : d.ToString(CultureInfo.InvariantCulture)));
}

using Descent.Compression.Quantization;
using Descent.Data;
using Descent.Experiments.Runs;
using Descent.NN;
using Descent.Optim;
using Descent.Serialization;
using Descent.Tensors;
using Descent.Tensors.Autograd;
using Descent.Training;
using Descent.Training.Checkpointing;
using Descent.Training.Callbacks;

namespace Descent.Experiments;

/// <summary>What <c>descent quantize</c> does (<see cref="QuantizationFlow.Run"/>).</summary>
/// <param name="Source">A run directory (its best.ckpt, else last.ckpt) or an experiment checkpoint.</param>
/// <param name="Spec">Mode, per-channel weights, 7-bit activations, calibration observer.</param>
/// <param name="CalibrationBatches">Training batches that calibrate static inputs (static mode).</param>
/// <param name="Epochs">Quantization-aware training epochs (qat mode).</param>
/// <param name="LearningRate">QAT learning rate (constant); null: 1/20 of the experiment's initial rate.</param>
/// <param name="RunsDirectory">Where the new run directory goes; null: beside the source run.</param>
/// <param name="Name">Name of the new run; null: the source run's name with "-int8-{mode}".</param>
/// <param name="DataDir">Fashion-MNIST folder override, as for evaluate.</param>
/// <param name="LatencyBatches">Batch sizes timed.</param>
/// <param name="LatencyRepeat">Alternating timing blocks per measurement (medians).</param>
public sealed record QuantizeRequest(string Source, QuantizationSpec Spec, int CalibrationBatches = 32, int Epochs = 1, double? LearningRate = null,
    string? RunsDirectory = null, string? Name = null, string? DataDir = null, IReadOnlyList<int>? LatencyBatches = null, int LatencyRepeat = 5);

/// <summary>
/// The quantization flow behind <c>descent quantize</c>: a trained float run becomes a new run directory holding the int8
/// model (dynamic, static post-training, or quantization-aware training then int8), its checkpoint (int8 weights, scales,
/// zero points and the architecture: the stored experiment config plus the <see cref="QuantizationSpec"/>, which
/// <see cref="CheckpointModel.Load"/> rebuilds), and a report: sizes, test accuracy, measured latency of float32 and
/// int8 (batch 1, 64, 256; one thread and all), each layer's own quantization error, and the layers that stayed float.
/// </summary>
public static class QuantizationFlow
{
    /// <summary>Checkpoint extra holding the <see cref="QuantizationSpec"/> of an int8 checkpoint.</summary>
    public const string QuantizationKey = "quantization";

    /// <summary>Runs the flow; <paramref name="progress"/> receives one line per stage.</summary>
    public static QuantizationReport Run(QuantizeRequest request, Action<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var spec = request.Spec.Validate();
        if (request.CalibrationBatches < 1) throw new ArgumentException($"--calibration-batches must be at least 1, got {request.CalibrationBatches}.");
        if (request.Epochs < 1) throw new ArgumentException($"--epochs must be at least 1, got {request.Epochs}.");
        if (request.LearningRate is double lr && !(lr > 0)) throw new ArgumentException($"--lr must be positive, got {lr}.");
        progress ??= _ => { };
        var source = CheckpointModel.Load(request.Source);
        if (source.Quantization is not null)
            throw new ArgumentException($"{source.Path}: the checkpoint is already quantized ({source.Quantization.Mode}); quantize its float run.");
        var config = CheckpointModel.WithDataDir(source.Info.Config, request.DataDir) with { Distillation = null };
        progress($"loading the data of {config.Name}");
        var experiment = ExperimentBuilder.Build(config, source.Checkpoint.Architecture);
        var floatModel = source.Model;
        var floatEval = Evaluate(floatModel, experiment);
        progress($"float32 test accuracy {Accuracy(floatEval)}");

        var int8Model = FreshCopy(source);
        QuantizationResult result;
        IReadOnlyList<FloatReference> references;
        var calibration = experiment.TrainLoader.Epoch(0).Take(request.CalibrationBatches).Select(b => b.Features).ToList();
        switch (spec.Mode)
        {
            case "dynamic":
                result = Quantizer.QuantizeDynamic(int8Model, spec.PerChannel, spec.ReduceRange);
                references = LayerQuantizationError.ReferencesOf(floatModel, result);
                break;
            case "static":
                progress($"calibrating on {calibration.Count} training batches ({spec.Observer} observer)");
                var prepared = Quantizer.PrepareStatic(int8Model, spec.Options);
                using (GradMode.Disable())
                    foreach (var batch in calibration) prepared.Call(batch);
                references = LayerQuantizationError.ReferencesOf(prepared);
                result = Quantizer.Convert(prepared);
                break;
            default:
                var qat = Quantizer.PrepareQat(int8Model, spec.Options);
                var optimizer = OptimizerFactory.Create(qat.Parameters(), config.Optimizer.Options);
                double rate = request.LearningRate ?? config.Optimizer.Options.Lr / 20;
                foreach (var group in optimizer.ParamGroups) group.Lr = rate;
                progress($"quantization-aware training: {request.Epochs} epoch(s), lr {rate:G3}");
                new Trainer(qat, experiment.Loss, optimizer, experiment.TrainerOptions).Fit(experiment.TrainLoader, null, request.Epochs);
                references = LayerQuantizationError.ReferencesOf(qat);
                result = Quantizer.Convert(qat);
                break;
        }
        var quantized = result.Model;
        quantized.Eval();
        var int8Eval = Evaluate(quantized, experiment);
        progress($"int8 test accuracy {Accuracy(int8Eval)}");

        var testInputs = TestInputs(experiment.TestLoader, 256);
        var layerErrors = LayerQuantizationError.Measure(quantized, references, testInputs.Narrow(0, 0, Math.Min(256, testInputs.Shape[0])));
        var latency = new List<LatencyRow>();
        foreach (int batch in request.LatencyBatches ?? [1, 64, 256])
            foreach (int threads in new[] { 1, Environment.ProcessorCount }.Distinct())
            {
                int rows = Math.Min(batch, testInputs.Shape[0]);
                progress($"timing batch {rows}, {threads} thread(s)");
                var (f32, i8, ratio) = LatencyComparison.Compare(floatModel, quantized, testInputs.Narrow(0, 0, rows), threads, request.LatencyRepeat);
                latency.Add(new LatencyRow(rows, threads, f32 * 1e6, i8 * 1e6, ratio));
            }

        var int8State = quantized.StateDict();
        long floatBytes = SafeTensors.Serialize(floatModel.StateDict()).LongLength, int8Bytes = SafeTensors.Serialize(int8State).LongLength;
        var sourceRun = Directory.Exists(request.Source) ? Path.GetFullPath(request.Source) : null;
        string runsDir = request.RunsDirectory ?? Path.GetDirectoryName(sourceRun ?? Path.GetDirectoryName(Path.GetDirectoryName(Path.GetFullPath(source.Path))!)!)!;
        var run = RunDirectory.CreateUnique(runsDir, request.Name ?? $"{(sourceRun is null ? config.Name : Path.GetFileName(sourceRun))}-int8-{spec.Mode}");
        run.WriteConfig(source.Info.Config);
        var extras = source.Checkpoint.Extras.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        extras[QuantizationKey] = SpecToExtra(spec);
        var checkpoint = new TrainingCheckpoint
        {
            Model = int8State,
            Optimizer = new OptimizerStateDict { Optimizer = source.Checkpoint.Optimizer.Optimizer },
            // The float architecture (a pruned model's real shapes); the quantization extra says how it became int8.
            Architecture = source.Checkpoint.Architecture,
            Extras = extras,
            Resume = source.Checkpoint.Resume,
            Loader = source.Checkpoint.Loader,
            Generator = source.Checkpoint.Generator,
        };
        checkpoint.Save(run.BestCheckpointPath);
        SafeTensors.Save(run.BestWeightsPath, int8State);

        var report = new QuantizationReport(source.Path, run.Path, spec, spec.Mode == "static" ? calibration.Count : 0, spec.Mode == "qat" ? request.Epochs : 0,
            Accuracy(floatEval), Accuracy(int8Eval), floatEval.Loss, int8Eval.Loss, floatBytes, int8Bytes,
            new FileInfo(source.Path).Length, new FileInfo(run.BestCheckpointPath).Length, latency, layerErrors, result.Layers,
            LatencyComparison.LoadAverage(), Environment.ProcessorCount);
        report.Save(run.Path);
        return report;
    }

    /// <summary>The extra of an int8 checkpoint describing its <see cref="QuantizationSpec"/>.</summary>
    public static Dictionary<string, object?> SpecToExtra(QuantizationSpec spec) => new(StringComparer.Ordinal)
    {
        ["mode"] = spec.Mode, ["per_channel"] = spec.PerChannel ? 1 : 0, ["reduce_range"] = spec.ReduceRange ? 1 : 0,
        ["min_conv_channels"] = spec.MinConvChannels, ["observer"] = spec.Observer,
    };

    /// <summary>The <see cref="QuantizationSpec"/> of a checkpoint's extras, or null for a float checkpoint.</summary>
    public static QuantizationSpec? SpecOf(TrainingCheckpoint checkpoint, string path)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        if (!checkpoint.Extras.TryGetValue(QuantizationKey, out var e)) return null;
        try
        {
            return new QuantizationSpec((string)e["mode"]!, Convert.ToInt32(e["per_channel"], System.Globalization.CultureInfo.InvariantCulture) != 0,
                Convert.ToInt32(e["reduce_range"], System.Globalization.CultureInfo.InvariantCulture) != 0,
                Convert.ToInt32(e["min_conv_channels"], System.Globalization.CultureInfo.InvariantCulture), (string)e["observer"]!).Validate();
        }
        catch (Exception ex) when (ex is KeyNotFoundException or InvalidCastException or FormatException or ArgumentException or NullReferenceException)
        {
            throw new InvalidDataException($"{path}: the checkpoint's quantization description is invalid ({ex.Message}).");
        }
    }

    private static double Accuracy(EvaluationResult r) => r.Metrics.TryGetValue("accuracy", out var a) ? a : double.NaN;

    private static EvaluationResult Evaluate(Module model, Experiment experiment) =>
        new Trainer(model, experiment.Loss, experiment.Optimizer, experiment.TrainerOptions).Evaluate(experiment.TestLoader);

    /// <summary>A second float model with the checkpoint's weights (the flows convert in place).</summary>
    private static Sequential FreshCopy(CheckpointModel source)
    {
        var info = source.Info;
        var model = source.Checkpoint.Architecture is { } architecture
            ? ExperimentBuilder.BuildModel(architecture, info.Config, info.InputShape, info.Outputs, new Generator(info.Config.Seed), source.Path)
            : ExperimentBuilder.BuildModel(info.Config, info.InputShape, info.Outputs, new Generator(info.Config.Seed));
        model.LoadStateDict(source.Model.StateDict());
        model.Eval();
        return model;
    }

    private static Tensor TestInputs(DataLoader test, int rows)
    {
        var parts = new List<Tensor>();
        int have = 0;
        foreach (var batch in test.Epoch(0))
        {
            parts.Add(batch.Features.Clone());
            have += batch.Size;
            if (have >= rows) break;
        }
        if (parts.Count == 0) throw new ArgumentException("quantize: the experiment's test set is empty.");
        var all = parts.Count == 1 ? parts[0] : Tensor.Cat(parts, 0);
        return all.Narrow(0, 0, Math.Min(rows, all.Shape[0]));
    }
}

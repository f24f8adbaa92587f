using Descent.Compression.Pruning;
using Descent.Compression.Pruning.Schedules;
using Descent.Compression.Pruning.Sparse;
using Descent.Compression.Pruning.Structured;
using Descent.Compression.Pruning.Unstructured;
using Descent.Data;
using Descent.Experiments;
using Descent.Kernels;
using Descent.NN;
using Descent.Optim;
using Descent.Tensors;
using Descent.Tensors.Autograd;
using Descent.Training;

namespace Descent.Benchmarks;

/// <summary>What one issue #12 §6 target run measured (accuracy on the run's test set, 0–1).</summary>
/// <param name="Target">Which target: the model and the kind of pruning.</param>
/// <param name="BaselineAccuracy">The trained model's test accuracy.</param>
/// <param name="PrunedAccuracy">Right after pruning, before fine-tuning (structured only; NaN otherwise).</param>
/// <param name="FinalAccuracy">After fine-tuning.</param>
/// <param name="Before">Parameters and MACs per sample before.</param>
/// <param name="After">Parameters and MACs per sample after (structured: the smaller model; unstructured: the dense
/// shapes, see <see cref="Sparsity"/>).</param>
/// <param name="Sparsity">Fraction of the pruned weights that are zero (unstructured), or of the MACs removed (structured).</param>
/// <param name="Inference">Original (A) against pruned (B) inference at batch 256, one thread; Ratio = speed-up.</param>
/// <param name="TrainingStep">Original against pruned training step (forward, backward, optimizer step) at the run's
/// batch size, one thread (structured only).</param>
/// <param name="SparseInference">Unstructured: the masked dense model against its <see cref="SparseLinear"/> form at
/// batch 1 and 256, one thread.</param>
/// <param name="Settings">The settings used, in words.</param>
public sealed record PruningTargetResult(string Target, double BaselineAccuracy, double PrunedAccuracy, double FinalAccuracy, ModelCost Before,
    ModelCost After, double Sparsity, SpeedComparison Inference, SpeedComparison? TrainingStep, IReadOnlyDictionary<int, SpeedComparison>? SparseInference,
    string Settings)
{
    /// <summary>Accuracy lost, in percentage points (positive: worse than the baseline).</summary>
    public double LossPoints => (BaselineAccuracy - FinalAccuracy) * 100;
}

/// <summary>
/// The §6 targets of issue #12 on full Fashion-MNIST, driven through the library (<c>descent bench prune --targets</c>):
/// a trained run is loaded from its checkpoint, pruned, fine-tuned with the run's optimizer (learning rate ×
/// <c>lrFactor</c>, no schedule), evaluated on the run's test set and timed against the original. The run folder is
/// only read.
/// </summary>
public static class PruningTargets
{
    /// <summary>
    /// Structured pruning of a run's model: <paramref name="amount"/> of every prunable group's channels (L1), or, when
    /// null, the smallest amount (in steps of 0.01) that halves the MACs; then <paramref name="finetuneEpochs"/> epochs.
    /// </summary>
    public static PruningTargetResult Structured(string runDir, string? dataDir, double? amount, int finetuneEpochs, double lrFactor, TextWriter log,
        int repeat = 5, double minSeconds = 0.2, int roundTo = 1)
    {
        var (experiment, sample) = Load(runDir, dataDir);
        var model = experiment.Model;
        var original = Copy(experiment, model);
        double baseline = Accuracy(experiment, model);
        log.WriteLine($"{experiment.Config.Name}: baseline test accuracy {baseline:P2}");
        double chosen = amount ?? HalvingAmount(experiment, model, sample, roundTo);
        var result = new StructuredPruner(new StructuredPruningOptions { Amount = chosen, Criterion = ImportanceCriterion.L1, RoundTo = roundTo }).Prune(model, sample);
        double pruned = Accuracy(experiment, model);
        log.WriteLine($"  pruned {chosen:P0} of the channels: MACs {result.Before.Macs:N0} → {result.After.Macs:N0}, params {result.Before.Parameters:N0} → {result.After.Parameters:N0}; accuracy {pruned:P2}");
        FineTune(experiment, model, finetuneEpochs, lrFactor, [], log);
        double final = Accuracy(experiment, model);
        log.WriteLine($"  fine-tuned {finetuneEpochs} epochs: accuracy {final:P2} (loss {(baseline - final) * 100:F2} pt)");
        var inference = CompareInference(original, model, sample, 256, repeat, minSeconds);
        var step = CompareTrainingStep(experiment, original, model, repeat, minSeconds);
        log.WriteLine($"  batch 256, 1 thread: inference {inference.Float32Seconds * 1e3:F2} → {inference.Int8Seconds * 1e3:F2} ms ({inference.Ratio:F2}×), training step {step.Float32Seconds * 1e3:F2} → {step.Int8Seconds * 1e3:F2} ms ({step.Ratio:F2}×)");
        return new PruningTargetResult($"{experiment.Config.Name} structured", baseline, pruned, final, result.Before, result.After,
            1 - result.After.Macs / (double)result.Before.Macs, inference, step, null,
            $"L1, local, amount {chosen:F2}, round to {roundTo}, {finetuneEpochs} fine-tune epochs at lr × {lrFactor}");
    }

    /// <summary>
    /// Unstructured, iterative pruning (global L1 over every Linear/Conv weight, masks in the modules) of a run's model to
    /// <paramref name="sparsity"/>: a polynomial schedule (Zhu and Gupta 2017) over <paramref name="pruneEpochs"/> epochs of
    /// training, then <paramref name="finetuneEpochs"/> epochs at the final sparsity; the masked model is then compared with
    /// its sparse form. <paramref name="hidden"/> trains a fresh baseline first with those hidden widths (the run's config
    /// otherwise, <paramref name="baselineEpochs"/> epochs) when the run's model is not the one wanted (LeNet-300-100).
    /// </summary>
    public static PruningTargetResult Unstructured(string runDir, string? dataDir, double sparsity, int pruneEpochs, int finetuneEpochs, double lrFactor,
        TextWriter log, IReadOnlyList<int>? hidden = null, int baselineEpochs = 10, int repeat = 5, double minSeconds = 0.2)
    {
        var (experiment, sample) = Load(runDir, dataDir, hidden is null ? null : c => c with { Model = c.Model with { Hidden = [.. hidden] }, Epochs = baselineEpochs });
        var model = experiment.Model;
        if (hidden is not null)
        {
            log.WriteLine($"training the {string.Join('-', hidden)} baseline for {baselineEpochs} epochs (the run's optimizer and schedule)");
            experiment.CreateTrainer().Fit(experiment.TrainLoader, experiment.ValidationLoader, baselineEpochs);
        }
        var original = Copy(experiment, model);
        double baseline = Accuracy(experiment, model);
        log.WriteLine($"{Describe(model)}: baseline test accuracy {baseline:P2}");
        var before = ModelComplexity.Measure(model, sample);
        var targets = UnstructuredPruning.Weights(model, ignore: []);
        int steps = experiment.TrainLoader.BatchCount(0);
        var schedule = new PolynomialDecaySparsity(0, sparsity, 0, Math.Max(1, (long)steps * pruneEpochs - 1), 3, Math.Max(1, steps / 10));
        var callback = new UnstructuredPruningCallback(targets, schedule);
        FineTune(experiment, model, pruneEpochs, lrFactor, [callback], log);
        // Make sure the final sparsity is reached exactly (the schedule's last event may fall short by its frequency).
        UnstructuredPruning.GlobalL1ToSparsity(targets, sparsity);
        FineTune(experiment, model, finetuneEpochs, lrFactor, [], log);
        double achieved = UnstructuredPruning.Sparsity(targets);
        double final = Accuracy(experiment, model);
        log.WriteLine($"  {achieved:P1} of the weights removed in {callback.Events.Count} pruning steps, fine-tuned: accuracy {final:P2} (loss {(baseline - final) * 100:F2} pt)");
        var inference = CompareInference(original, model, sample, 256, repeat, minSeconds);
        UnstructuredPruning.RemoveAll(model);
        var sparse = Copy(experiment, model);
        var converted = sparse.ToSparse(0.5);
        var sparseSpeed = new SortedDictionary<int, SpeedComparison>();
        foreach (int batch in new[] { 1, 256 })
        {
            sparseSpeed[batch] = CompareInference(model, sparse, sample, batch, repeat, minSeconds);
            log.WriteLine($"  dense (pruned) vs sparse layers ({converted.Count(c => c.Converted)} converted), batch {batch}, 1 thread: {sparseSpeed[batch].Float32Seconds * 1e3:F3} → {sparseSpeed[batch].Int8Seconds * 1e3:F3} ms ({sparseSpeed[batch].Ratio:F2}×)");
        }
        return new PruningTargetResult($"{Describe(model)} unstructured", baseline, double.NaN, final, before, ModelComplexity.Measure(model, sample), achieved,
            inference, null, sparseSpeed,
            $"global L1, polynomial schedule 0 → {sparsity:P0} over {pruneEpochs} epochs, then {finetuneEpochs} epochs, lr × {lrFactor}");
    }

    private static (Experiment Experiment, int[] Sample) Load(string runDir, string? dataDir, Func<ExperimentConfig, ExperimentConfig>? change = null)
    {
        var checkpoint = CheckpointModel.Load(runDir);
        var config = CheckpointModel.WithDataDir(checkpoint.Info.Config, dataDir) with { Distillation = null };
        if (change is not null) config = change(config);
        var experiment = ExperimentBuilder.Build(config);
        if (change is null) experiment.Model.LoadStateDict(checkpoint.Model.StateDict());
        return (experiment, experiment.Data.InputShape);
    }

    private static string Describe(Module model) =>
        string.Join('-', model.NamedModules().Select(m => m.Module).OfType<Linear>().Select((l, i) => i == 0 ? $"{l.InFeatures}-{l.OutFeatures}" : $"{l.OutFeatures}"));

    private static Sequential Copy(Experiment experiment, Module model)
    {
        var copy = ExperimentBuilder.BuildModel(experiment.Config, experiment.Data.InputShape, experiment.Outputs, new Generator(0));
        copy.LoadStateDict(model.StateDict());
        copy.Eval();
        return copy;
    }

    private static double HalvingAmount(Experiment experiment, Module model, int[] sample, int roundTo)
    {
        long target = ModelComplexity.Measure(model, sample).Macs / 2;
        for (int percent = 10; percent < 90; percent++)
        {
            var trial = Copy(experiment, model);
            var r = new StructuredPruner(new StructuredPruningOptions { Amount = percent / 100.0, Criterion = ImportanceCriterion.L1, RoundTo = roundTo }).Prune(trial, sample);
            if (r.After.Macs <= target) return percent / 100.0;
        }
        throw new InvalidOperationException("no pruning amount below 90% halves the MACs.");
    }

    private static double Accuracy(Experiment experiment, Module model)
    {
        var r = ModelEvaluation.Evaluate(model, experiment.Loss, experiment.TestLoader, experiment.TrainerOptions.Metrics);
        return r.Metrics["accuracy"];
    }

    private static void FineTune(Experiment experiment, Module model, int epochs, double lrFactor, ICallback[] extra, TextWriter log)
    {
        if (epochs <= 0) return;
        var options = experiment.Config.Optimizer.Options;
        var optimizer = OptimizerFactory.Create(model.Parameters(), options with { Lr = options.Lr * lrFactor });
        var trainer = new Trainer(model, experiment.Loss, optimizer, experiment.TrainerOptions).With(extra);
        model.Train();
        var history = trainer.Fit(experiment.TrainLoader, experiment.ValidationLoader, epochs);
        model.Eval();
        log.WriteLine($"    {epochs} epochs: {string.Join(", ", history.Epochs[^1].Select(kv => $"{kv.Key} {kv.Value:F4}"))}");
    }

    private static SpeedComparison CompareInference(Module a, Module b, int[] sample, int batch, int repeat, double minSeconds)
    {
        var x = Tensor.Rand(new Shape([batch, .. sample]), generator: new Generator(5));
        a.Eval();
        b.Eval();
        using var threads = ParallelFor.OverrideThreads(1);
        void Run(Module m)
        {
            using var noGrad = GradMode.Disable();
            using var step = StepScope.Begin();
            m.Call(x);
        }
        return AlternatingTimer.Compare(() => Run(a), () => Run(b), 1, repeat, minSeconds);
    }

    private static SpeedComparison CompareTrainingStep(Experiment experiment, Module a, Module b, int repeat, double minSeconds)
    {
        var batch = experiment.TrainLoader.Epoch(0).First();
        var optA = OptimizerFactory.Create(a.Parameters(), experiment.Config.Optimizer.Options);
        var optB = OptimizerFactory.Create(b.Parameters(), experiment.Config.Optimizer.Options);
        using var threads = ParallelFor.OverrideThreads(1);
        void Step(Module m, Optimizer opt)
        {
            m.Train();
            using var step = StepScope.Begin();
            opt.ZeroGrad();
            experiment.Loss.Forward(m.Call(batch.Features), batch.Targets).Backward();
            opt.Step();
        }
        var r = AlternatingTimer.Compare(() => Step(a, optA), () => Step(b, optB), 1, repeat, minSeconds);
        a.Eval();
        b.Eval();
        return r;
    }
}

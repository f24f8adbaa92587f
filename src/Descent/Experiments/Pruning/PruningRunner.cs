using Descent.Compression.Pruning;
using Descent.Compression.Pruning.Schedules;
using Descent.Compression.Pruning.Structured;
using Descent.Compression.Pruning.Unstructured;
using Descent.Experiments.Runs;
using Descent.NN;
using Descent.NN.Architecture;
using Descent.Tensors;
using Descent.Training;

namespace Descent.Experiments.Pruning;

/// <summary>The outcome of <see cref="PruningRunner.Run"/>: the new run directory and its pruning steps (step 0: before).</summary>
public sealed record PruningResult(RunDirectory Run, IReadOnlyList<PruningStepRecord> Steps, RunSummary Summary);

/// <summary>
/// The flow behind <c>descent prune RUN|CKPT</c>: loads a trained model with its experiment (a pruned checkpoint keeps
/// its shapes), prunes it in <see cref="PruningRunOptions.Steps"/> steps up to the final amount, fine-tunes after each
/// step, and writes a new run directory: config.yaml, checkpoints/ (the pruned model with its architecture, so
/// evaluate, predict and train --init load it), metrics.csv of the fine-tuning epochs, summary.json and pruning.json
/// (step, sparsity, parameters, MACs, checkpoint bytes, accuracy and loss; docs/pruning.md).
/// </summary>
public static class PruningRunner
{
    /// <summary>
    /// Prunes the model of <paramref name="source"/> (a run directory: its best.ckpt, else last.ckpt; or a checkpoint
    /// file) into the new run <paramref name="runDirectory"/>. <paramref name="callbacks"/> join every fine-tuning
    /// (progress display); <paramref name="stepDone"/> hears each step as it is recorded.
    /// </summary>
    /// <exception cref="ArgumentException">Invalid options, or a source that holds no experiment.</exception>
    public static PruningResult Run(string source, string runDirectory, PruningRunOptions options, IEnumerable<ICallback>? callbacks = null,
        Action<PruningStepRecord>? stepDone = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(source);
        ArgumentException.ThrowIfNullOrEmpty(runDirectory);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var initial = InitialModel.Read(source);
        var stored = initial.Config
            ?? throw new ArgumentException($"{initial.Path}: a weights file without its experiment; descent prune needs a run or a training checkpoint (its data and loss).");
        var config = stored with
        {
            Name = Path.GetFileName(Path.GetFullPath(runDirectory).TrimEnd(Path.DirectorySeparatorChar)),
            Epochs = Math.Max(1, options.FinetuneEpochs),
            Distillation = null,   // the pruned model fine-tunes on its own
        };
        var data = ExperimentDataLoader.Load(config);
        var experiment = ExperimentBuilder.Build(config, data, initial.Architecture);
        initial.LoadInto(experiment);
        var run = RunDirectory.Create(runDirectory);
        run.WriteConfig(experiment.Config);

        var flow = new Flow(experiment, data, options, callbacks, run, cancellationToken);
        var steps = new List<PruningStepRecord> { flow.Record(0, null) };
        stepDone?.Invoke(steps[0]);
        for (int step = 1; step <= options.Steps && !cancellationToken.IsCancellationRequested; step++)
        {
            flow.Prune(step);
            double? before = options.FinetuneEpochs > 0 ? flow.Evaluate().Accuracy : null;
            if (options.FinetuneEpochs > 0) flow.Finetune(step);
            steps.Add(flow.Record(step, before));
            stepDone?.Invoke(steps[^1]);
            run.WritePruning(steps);
        }
        run.WritePruning(steps);
        return new PruningResult(run, steps, flow.Finish(steps));
    }

    /// <summary>The sparsity after <paramref name="step"/> of the options' steps (polynomial: Zhu and Gupta's cubic ramp).</summary>
    public static double TargetSparsity(PruningRunOptions options, int step)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (step <= 0) return 0;
        if (options.Schedule == "constant") return options.Amount;
        // tfmot's PolynomialDecay over the steps, pruning at every one of them.
        return new PolynomialDecaySparsity(0, options.Amount, 0, options.Steps, power: 3, frequency: 1).Sparsity(step);
    }

    /// <summary>One pruning run's state: the experiment (rebuilt after each step), the steps done and the fine-tuning history.</summary>
    private sealed class Flow(Experiment experiment, ExperimentData data, PruningRunOptions options, IEnumerable<ICallback>? callbacks,
        RunDirectory run, CancellationToken token)
    {
        private readonly long _parameters0 = experiment.Model.ParameterCount;
        private readonly History _history = new();
        private Experiment _experiment = experiment;
        private long _globalStep;
        private double _reached;
        private StateDict? _rewind;

        private Sequential Model => _experiment.Model;

        public void Prune(int step)
        {
            double target = TargetSparsity(options, step);
            if (options.Structured)
            {
                // The fraction of the channels still there that brings the removed fraction to the target.
                double amount = _reached >= target ? 0 : 1 - (1 - target) / (1 - _reached);
                if (amount > 0)
                {
                    var pruner = new StructuredPruner(new StructuredPruningOptions
                    {
                        Amount = amount,
                        Criterion = Criterion(options.Method),
                        Global = options.Global,
                        MaxLayerAmount = options.Global ? 0.9 : 1.0,
                        Seed = _experiment.Config.Seed + step,
                    });
                    pruner.Prune(Model, data.InputShape, options.Method == "taylor" ? CalibrationLosses() : null);
                }
            }
            else
            {
                var weights = Targets();
                if (options.Method == "random")
                {
                    var generator = new Generator(_experiment.Config.Seed + step);
                    foreach (var w in weights) UnstructuredPruning.Random(w.Module, w.Name, PruneAmount.Fraction(Remaining(w, target)), generator);
                }
                else if (options.Global) UnstructuredPruning.GlobalL1ToSparsity(weights, target);
                else foreach (var w in weights) UnstructuredPruning.L1(w.Module, w.Name, PruneAmount.Fraction(Remaining(w, target)));
            }
            _reached = target;
            Rebuild();
        }

        // The fraction of a weight's unmasked entries to mask so that `target` of all its entries are masked.
        private static double Remaining(PrunableParameter w, double target)
        {
            double masked = UnstructuredPruning.Sparsity([w]);
            return masked >= target ? 0 : (target - masked) / (1 - masked);
        }

        // Every Linear/Conv weight but the output layer's (its units are the outputs).
        private IReadOnlyList<PrunableParameter> Targets()
        {
            var all = UnstructuredPruning.Weights(Model);
            return all.Count <= 1 ? all : UnstructuredPruning.Weights(Model, ignore: [all[^1].Path]);
        }

        private IEnumerable<Tensor> CalibrationLosses()
        {
            int n = 0;
            foreach (var batch in _experiment.TrainLoader.Epoch(0))
            {
                if (n++ >= options.CalibrationBatches) yield break;
                yield return _experiment.Loss.Forward(Model.Call(batch.Features), batch.Targets);
            }
        }

        // A fresh experiment over the pruned model: optimizer, schedule and callbacks see its new parameters.
        private void Rebuild()
        {
            var state = Model.StateDict();
            bool training = Model.Training;
            _experiment = ExperimentBuilder.Build(_experiment.Config, data, ModelArchitecture.Describe(Model));
            _experiment.Model.LoadStateDict(state);
            _experiment.Model.Train(training);
        }

        public void Finetune(int step)
        {
            if (_rewind is not null)
            {
                // Lottery ticket with late rewinding: the surviving weights restart from the recorded step; masks keep
                // the pruned ones at zero.
                using var noGrad = Descent.Tensors.Autograd.GradMode.Disable();
                var own = Model.StateDict();
                foreach (var (key, value) in _rewind) own[key].CopyFrom(value);
            }
            var extra = new List<ICallback>();
            if (callbacks is not null) extra.AddRange(callbacks);
            extra.Add(new StopOnCancel(token));
            RewindRecorder? recorder = options.Rewind >= 0 && _rewind is null ? new RewindRecorder(options.Rewind) : null;
            if (recorder is not null) extra.Add(recorder);
            var trainer = _experiment.CreateTrainer(extra);
            var history = trainer.Fit(_experiment.TrainLoader, _experiment.ValidationLoader, options.FinetuneEpochs);
            foreach (var epoch in history.Epochs)
                _history.Add(new Dictionary<string, double>(epoch, StringComparer.Ordinal) { ["pruning_step"] = step });
            _globalStep += trainer.LastContext?.GlobalStep + 1 ?? 0;
            if (recorder is not null) _rewind = recorder.Recorded ?? Parameters();
        }

        private StateDict Parameters()
        {
            var state = new StateDict();
            foreach (var (name, p) in Model.NamedParameters()) state.Add(name, p.Detach().Clone());
            return state;
        }

        public (double? Accuracy, double Loss) Evaluate()
        {
            var result = _experiment.CreateTrainer().Evaluate(_experiment.TestLoader);
            return (result.Metrics.TryGetValue("accuracy", out var a) ? a : null, result.Metrics.TryGetValue("loss", out var l) ? l : double.NaN);
        }

        public PruningStepRecord Record(int step, double? accuracyBeforeFinetune)
        {
            var (accuracy, loss) = Evaluate();
            var cost = ModelComplexity.Measure(Model, data.InputShape);
            double sparsity = options.Structured ? 1 - (double)cost.Parameters / _parameters0 : UnstructuredPruning.Sparsity(Targets());
            return new PruningStepRecord(step, sparsity, cost.Parameters, cost.Macs, WeightsFileBytes(), accuracy, loss, accuracyBeforeFinetune);
        }

        // The size of the model's weights file as the run stores it (best.safetensors), written and measured.
        private long WeightsFileBytes()
        {
            Directory.CreateDirectory(run.CheckpointsDirectory);
            var path = Path.Combine(run.CheckpointsDirectory, "size-probe.safetensors");
            Model.SaveCheckpoint(path);
            long bytes = new FileInfo(path).Length;
            File.Delete(path);
            return bytes;
        }

        public RunSummary Finish(IReadOnlyList<PruningStepRecord> steps)
        {
            Directory.CreateDirectory(run.CheckpointsDirectory);
            var checkpoint = _experiment.Snapshot(new TrainingResume(Math.Max(1, _history.Epochs.Count), 0, _globalStep, _history));
            checkpoint.Save(run.BestCheckpointPath);
            checkpoint.Save(run.LastCheckpointPath);
            Model.SaveCheckpoint(run.BestWeightsPath);
            if (_history.Epochs.Count > 0) run.WriteHistory(_history);
            var confusion = _experiment.Data.IsClassification && _experiment.Outputs == _experiment.Data.Classes
                ? new Descent.Training.Metrics.ConfusionMatrix(_experiment.Data.Classes) : null;
            var test = _experiment.CreateTrainer().Evaluate(_experiment.TestLoader, confusion);
            var summary = new RunSummary
            {
                Name = run.Name,
                Status = token.IsCancellationRequested ? "stopped" : "completed",
                StopReason = token.IsCancellationRequested ? ExperimentRunner.CancelledReason : null,
                Epochs = _history.Epochs.Count,
                Seed = _experiment.Config.Seed,
                Parameters = Model.ParameterCount,
                ModelSummary = LayerSummaries.Compute(Model, data.InputShape),
                Test = test.Metrics,
                ConfusionMatrix = confusion is null ? null
                    : Enumerable.Range(0, confusion.Classes).Select(r => Enumerable.Range(0, confusion.Classes).Select(c => confusion.Counts[r, c]).ToArray()).ToArray(),
                ClassNames = data.ClassNames,
            };
            run.WriteSummary(summary);
            return summary;
        }
    }

    private static ImportanceCriterion Criterion(string method) => method switch
    {
        "l1" => ImportanceCriterion.L1,
        "l2" => ImportanceCriterion.L2,
        "bn_scale" => ImportanceCriterion.BnScale,
        "taylor" => ImportanceCriterion.Taylor,
        _ => ImportanceCriterion.Random,
    };

    /// <summary>Records the parameters after a given number of optimizer steps of a fine-tuning.</summary>
    private sealed class RewindRecorder(int afterSteps) : ICallback
    {
        public StateDict? Recorded { get; private set; }

        void ICallback.OnTrainBegin(TrainingContext context)
        {
            if (afterSteps == 0) Recorded = Snapshot(context.Model);
        }

        void ICallback.OnBatchEnd(TrainingContext context)
        {
            if (Recorded is null && context.GlobalStep + 1 == afterSteps) Recorded = Snapshot(context.Model);
        }

        private static StateDict Snapshot(Module model)
        {
            var state = new StateDict();
            foreach (var (name, p) in model.NamedParameters()) state.Add(name, p.Detach().Clone());
            return state;
        }
    }

    private sealed class StopOnCancel(CancellationToken token) : ICallback
    {
        void ICallback.OnBatchEnd(TrainingContext context)
        {
            if (token.IsCancellationRequested && !context.StopTraining)
            {
                context.StopTraining = true;
                context.StopReason = ExperimentRunner.CancelledReason;
            }
        }
    }
}

using Descent.Compression.Pruning.Schedules;
using Descent.Compression.Pruning.Unstructured;
using Descent.Data;
using Descent.NN;
using Descent.Optim;
using Descent.Tensors;
using Descent.Training;
using Descent.Training.Callbacks;
using Descent.Training.Checkpointing;

namespace Descent.Tests.Compression.Pruning.Unstructured;

/// <summary>UnstructuredPruningCallback: pruning at the schedule's steps to its sparsities during training, rewinding.</summary>
public class UnstructuredPruningCallbackTests
{
    private static (Trainer Trainer, Sequential Model, DataLoader Data) Setup()
    {
        var g = new Generator(1);
        var model = new Sequential(new Linear(4, 16, dtype: DType.Float64, generator: g), new ReLU(), new Linear(16, 3, dtype: DType.Float64, generator: g));
        var optimizer = new Sgd(model.Parameters(), new SgdOptions(0.05, momentum: 0.9));
        var data = new DataLoader(SyntheticData.Blobs(80, classes: 3, features: 4, seed: 2, dtype: DType.Float64), 10, shuffle: true, seed: 3);
        return (new Trainer(model, new CrossEntropyLoss(), optimizer), model, data);
    }

    [Fact]
    public void PrunesAtTheScheduledStepsToTheScheduledSparsity()
    {
        var (trainer, model, data) = Setup();
        var targets = UnstructuredPruning.Weights(model);
        var schedule = new PolynomialDecaySparsity(0.0, 0.75, beginStep: 2, endStep: 10, power: 3, frequency: 4);
        var callback = new UnstructuredPruningCallback(targets, schedule);
        Assert.Equal(["0.weight", "0.bias", "0.weight_mask", "2.weight", "2.bias", "2.weight_mask"], model.StateDict().Keys);
        trainer.With(callback).Fit(data, epochs: 2);   // 16 steps
        Assert.Equal([2L, 6, 10], callback.Events.Select(e => e.Step));
        long total = targets.Sum(t => (long)t.Parameter.Numel);
        foreach (var e in callback.Events)
            Assert.Equal(Math.Round(schedule.Sparsity(e.Step) * total) / total, e.Sparsity, 12);
        Assert.Equal(Math.Round(0.75 * total) / total, UnstructuredPruning.Sparsity(targets), 12);
        Assert.False(callback.Rewound);
    }

    [Fact]
    public void RewindingResetsTheSurvivingWeightsToTheirValuesAtStepK()
    {
        var (trainer, model, data) = Setup();
        var targets = UnstructuredPruning.Weights(model);
        var schedule = new ConstantSparsity(0.5, beginStep: 8, endStep: -1, frequency: 100);
        var atStep2 = new Snapshot(2);
        var callback = new UnstructuredPruningCallback(targets, schedule, rewindStep: 2);
        trainer.With(atStep2, callback).Fit(data, epochs: 1);   // steps 0..7: pruning at step 8 never comes
        Assert.Empty(callback.Events);
        Assert.False(callback.Rewound);

        var stopAfterPruning = new Stop(9);
        (trainer, model, data) = Setup();
        targets = UnstructuredPruning.Weights(model);
        atStep2 = new Snapshot(2);
        callback = new UnstructuredPruningCallback(targets, schedule, rewindStep: 2);
        trainer.With(atStep2, callback, stopAfterPruning).Fit(data, epochs: 2);
        Assert.Equal([8L], callback.Events.Select(e => e.Step));
        Assert.True(callback.Rewound);
        // Just after step 8's batch the optimizer moved the weights once from the rewound values; compare before it.
        Assert.Equal(atStep2.Values!["0.weight"], stopAfterPruning.BeforeStep!["0.weight"]);
        Assert.Equal(atStep2.Values["2.bias"], stopAfterPruning.BeforeStep["2.bias"]);
    }

    [Fact]
    public void AResumedRunPrunesAndRewindsExactlyAsAnUninterruptedOne()
    {
        var schedule = new PolynomialDecaySparsity(0.0, 0.75, beginStep: 2, endStep: 10, power: 3, frequency: 4);
        var (reference, referenceModel, data) = Setup();
        var referenceCallback = new UnstructuredPruningCallback(UnstructuredPruning.Weights(referenceModel), schedule, rewindStep: 1);
        reference.With(referenceCallback).Fit(data, epochs: 3);   // 24 steps

        var dir = Directory.CreateTempSubdirectory("descent-prune-resume-");
        try
        {
            var (interrupted, model, loader) = Setup();
            var callback = new UnstructuredPruningCallback(UnstructuredPruning.Weights(model), schedule, rewindStep: 1);
            var checkpoint = new ModelCheckpoint(dir.FullName, monitor: "loss", everySteps: 5)
            {
                Extras = () => new Dictionary<string, Dictionary<string, object?>> { [UnstructuredPruningCallback.StateKey] = callback.State() },
            };
            Assert.Throws<OperationCanceledException>(() =>
                interrupted.With(callback, checkpoint, new Descent.Tests.Training.AffineRegression.DieAfterSteps(12)).Fit(loader, epochs: 3));
            var saved = TrainingCheckpoint.Load(checkpoint.LastPath);
            Assert.Equal(10, saved.Resume.GlobalStep);   // mid-schedule: pruned at 2 and 6, not yet at 10

            var (resumed, resumedModel, resumedData) = Setup();
            var resumedCallback = new UnstructuredPruningCallback(UnstructuredPruning.Weights(resumedModel), schedule, rewindStep: 1);
            saved.Restore(resumedModel, resumed.Optimizer);
            resumedCallback.LoadState(saved.Extras);
            Assert.Equal([2L, 6], resumedCallback.Events.Select(e => e.Step));
            resumed.With(resumedCallback).Fit(resumedData, epochs: 3, resume: saved.Resume);

            Assert.Equal(referenceCallback.Events, resumedCallback.Events);
            Assert.True(resumedCallback.Rewound);
            foreach (var (key, value) in referenceModel.StateDict())
                Assert.Equal(value.ToDoubleArray(), resumedModel.StateDict()[key].ToDoubleArray());
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private sealed class Snapshot(long step) : ICallback
    {
        public Dictionary<string, double[]>? Values { get; private set; }

        public void OnBatchBegin(TrainingContext context)
        {
            if (context.GlobalStep == step) Values = context.Model.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter.ToDoubleArray());
        }
    }

    // Records the parameters after the callbacks of step k's batch begin (so after pruning and rewinding) and stops.
    private sealed class Stop(long step) : ICallback
    {
        public Dictionary<string, double[]>? BeforeStep { get; private set; }

        public void OnLossComputed(TrainingContext context)
        {
            if (context.GlobalStep == step - 1) BeforeStep = context.Model.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter.ToDoubleArray());
        }

        public void OnBatchEnd(TrainingContext context)
        {
            if (context.GlobalStep == step - 1) context.StopTraining = true;
        }
    }
}

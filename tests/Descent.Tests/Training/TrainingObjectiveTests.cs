using Descent.Data;
using Descent.NN;
using Descent.Optim;
using Descent.Tensors;
using Descent.Training;

namespace Descent.Tests.Training;

/// <summary>
/// <see cref="TrainerOptions.Objective"/>: what the objective sees (rows, targets, sample indices following the shuffle,
/// each data-parallel replica's share), that it runs as the first callback, and that evaluation keeps the trainer's loss.
/// </summary>
public class TrainingObjectiveTests
{
    // 50 samples in batches of 16: the last batch (2) is short, and 3 replicas split 16 as 5/5/6.
    private static DataLoader Loader() => new(SyntheticData.Blobs(50, classes: 3, features: 4, seed: 2, dtype: DType.Float64), 16, shuffle: true, seed: 8);

    private static Sequential Model() =>
        new(new Linear(4, 8, dtype: DType.Float64, generator: new Generator(1)), new ReLU(), new Linear(8, 3, dtype: DType.Float64, generator: new Generator(2)));

    /// <summary>Cross-entropy through an objective, recording what each call saw.</summary>
    private sealed class RecordingObjective : ITrainingObjective
    {
        public List<(int[] Indices, double[] Input, long[] Target)> Calls { get; } = [];

        public List<string> Events { get; } = [];

        public TrainingStepOutput Compute(Module model, TrainingBatch batch)
        {
            lock (Calls) Calls.Add((batch.SampleIndices.ToArray(), batch.Input.ToDoubleArray(), batch.Target.ToArray<long>()));
            var output = model.Call(batch.Input);
            return new TrainingStepOutput(output, Functional.CrossEntropy(output, batch.Target));
        }

        void ICallback.OnEpochEnd(TrainingContext context) => Events.Add("objective");
    }

    private sealed class After(List<string> events) : ICallback
    {
        void ICallback.OnEpochEnd(TrainingContext context) => events.Add("user");
    }

    [Fact]
    public void TheObjectiveSeesEachBatchWithItsSampleIndicesAndRunsFirst()
    {
        var objective = new RecordingObjective();
        var loader = Loader();
        var model = Model();
        var trainer = new Trainer(model, new CrossEntropyLoss(), new Sgd(model.Parameters(), new SgdOptions(0.1)),
            new TrainerOptions { Objective = objective }).With(new After(objective.Events));
        Assert.Same(objective, trainer.Callbacks[0]);
        var history = trainer.Fit(loader, Loader(), epochs: 2);

        var dataset = (TensorDataset)loader.Dataset;
        int call = 0;
        for (int epoch = 0; epoch < 2; epoch++)
        {
            var order = loader.Order(epoch);
            for (int start = 0; start < order.Length; start += 16, call++)
            {
                var expected = order.AsSpan(start, Math.Min(16, order.Length - start)).ToArray();
                var (indices, input, target) = objective.Calls[call];
                Assert.Equal(expected, indices);
                for (int r = 0; r < indices.Length; r++)
                {
                    var (features, label) = dataset.Get(indices[r]);
                    Assert.Equal(features.ToDoubleArray(), input.AsSpan(r * 4, 4).ToArray());
                    Assert.Equal(label.ToArray<long>()[0], target[r]);
                }
            }
        }
        Assert.Equal(call, objective.Calls.Count);
        Assert.Equal(["objective", "user", "objective", "user"], objective.Events);
        // Evaluation scores the trainer's loss: val_loss equals Evaluate's.
        Assert.Equal(trainer.Evaluate(Loader()).Loss, history.Series("val_loss")[^1], 12);
    }

    [Fact]
    public void DataParallelReplicasEachGetTheirRowsAndTheResultMatchesOneReplica()
    {
        var single = Train(1, out _);
        var parallel = Train(3, out var objective);
        for (int i = 0; i < single.Length; i++)
            Assert.True(Math.Abs(single[i] - parallel[i]) <= 1e-12, $"parameter element {i}: {single[i]} vs {parallel[i]}");
        // Three calls per 16-row batch, whose indices are the batch's rows in order (the 2-row batch splits 0/1/1).
        var firstBatch = Loader().Order(0)[..16];
        var parts = objective.Calls.Take(3).OrderBy(c => Array.IndexOf(firstBatch, c.Indices[0])).ToList();
        Assert.Equal([5, 5, 6], parts.Select(p => p.Indices.Length));
        Assert.Equal(firstBatch, parts.SelectMany(p => p.Indices));
    }

    private static double[] Train(int replicas, out RecordingObjective objective)
    {
        objective = new RecordingObjective();
        var model = Model();
        var trainer = new Trainer(model, new CrossEntropyLoss(), new Sgd(model.Parameters(), new SgdOptions(0.1, momentum: 0.9)),
            new TrainerOptions { Objective = objective, DataParallel = replicas });
        trainer.Fit(Loader(), epochs: 2);
        return [.. model.Parameters().SelectMany(p => p.ToDoubleArray())];
    }
}

using Descent.Data;
using Descent.NN;
using Descent.Optim;
using Descent.Tensors;
using Descent.Training;

namespace Descent.Tests.Training;

public class DataParallelTests
{
    private static Sequential Mlp(bool batchNorm, long seed)
    {
        var g = new Generator(seed);
        return batchNorm
            ? new Sequential(new Linear(6, 16, bias: false, generator: g), new BatchNorm1d(16), new ReLU(), new Linear(16, 3, generator: g))
            : new Sequential(new Linear(6, 16, generator: g), new ReLU(), new Linear(16, 8, generator: g), new Tanh(),
                new Linear(8, 3, generator: g));
    }

    // 100 samples in batches of 22: the last batch (12) and the 3-way splits (7/7/8) are uneven.
    private static DataLoader Loader() =>
        new(SyntheticData.Blobs(100, classes: 3, features: 6, seed: 5), batchSize: 22, shuffle: true, seed: 3);

    private static float[][] Train(Sequential model, int replicas, int epochs)
    {
        var opt = new Adam(model.Parameters(), new AdamOptions(0.01));
        var trainer = new Trainer(model, new CrossEntropyLoss(), opt, new TrainerOptions { DataParallel = replicas });
        trainer.Fit(Loader(), epochs: epochs);
        return [.. model.Parameters().Select(p => p.ToArray<float>())];
    }

    private static double MaxDiff(float[][] a, float[][] b)
    {
        double max = 0;
        for (int i = 0; i < a.Length; i++)
            for (int j = 0; j < a[i].Length; j++)
                max = Math.Max(max, Math.Abs(a[i][j] - b[i][j]));
        return max;
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void ReplicasMatchOneReplicaWithoutBatchNorm(int replicas)
    {
        var single = Train(Mlp(false, 7), 1, epochs: 3);
        var parallel = Train(Mlp(false, 7), replicas, epochs: 3);
        // 15 Adam steps: the same gradients up to float rounding of the split sums.
        double diff = MaxDiff(single, parallel);
        Assert.True(diff <= 1e-5, $"max |Δw| = {diff:E3}");
        // And the run actually moved the weights (a test that cannot fail would not show anything).
        Assert.True(MaxDiff(single, [.. Mlp(false, 7).Parameters().Select(p => p.ToArray<float>())]) > 1e-3);
    }

    [Fact]
    public void ResidualModelsMatchOneReplica()
    {
        static Sequential Model()
        {
            var g = new Generator(13);
            return new Sequential(new Linear(6, 16, generator: g),
                new Residual(new Sequential(new Linear(16, 16, generator: g), new ReLU(), new Linear(16, 16, generator: g)), activation: new ReLU()),
                new Residual(new Linear(16, 8, generator: g), new Linear(16, 8, bias: false, generator: g)),
                new Linear(8, 3, generator: g));
        }
        var single = Train(Model(), 1, epochs: 3);
        var parallel = Train(Model(), 2, epochs: 3);
        double diff = MaxDiff(single, parallel);
        Assert.True(diff <= 1e-5, $"max |Δw| = {diff:E3}");
        Assert.True(MaxDiff(single, [.. Model().Parameters().Select(p => p.ToArray<float>())]) > 1e-3);
    }

    [Fact]
    public void DataParallelRunsAreDeterministic()
    {
        var a = Train(Mlp(true, 11), 2, epochs: 2);
        var b = Train(Mlp(true, 11), 2, epochs: 2);
        Assert.Equal(0.0, MaxDiff(a, b));
    }

    [Fact]
    public void BatchNormUsesPerReplicaStatisticsAndReplicaZeroRunningStats()
    {
        // Reference: the same two-replica step computed sequentially on one thread with the replica semantics spelled
        // out — replica 0 normalizes its half and updates the running statistics, replica 1 normalizes its own half
        // and updates nothing — and the gradients weighted by each half's share of the batch.
        var reference = Mlp(true, 13);
        var parallel = Mlp(true, 13);
        var refOpt = new Adam(reference.Parameters(), new AdamOptions(0.01));
        var loss = new CrossEntropyLoss();
        var loader = Loader();
        int steps = 0;
        foreach (var (x, y) in loader.Epoch(0))
        {
            int b = x.Shape[0], half = b / 2;
            refOpt.ZeroGrad();
            var l0 = loss.Call(reference.Call(x.Narrow(0, 0, half)), y.Narrow(0, 0, half));
            l0.Backward(Tensor.FullLike(l0, (double)half / b));
            using (Module.EnterSecondaryReplica())
            {
                var l1 = loss.Call(reference.Call(x.Narrow(0, half, b - half)), y.Narrow(0, half, b - half));
                l1.Backward(Tensor.FullLike(l1, (double)(b - half) / b));
            }
            refOpt.Step();
            steps++;
        }

        var opt = new Adam(parallel.Parameters(), new AdamOptions(0.01));
        new Trainer(parallel, loss, opt, new TrainerOptions { DataParallel = 2 }).Fit(Loader(), epochs: 1);

        var refParams = reference.Parameters().Concat(reference.NamedBuffers().Select(b => b.Buffer)).ToArray();
        var dpParams = parallel.Parameters().Concat(parallel.NamedBuffers().Select(b => b.Buffer)).ToArray();
        for (int i = 0; i < refParams.Length; i++)
        {
            var r = refParams[i].ToDoubleArray();
            var d = dpParams[i].ToDoubleArray();
            for (int j = 0; j < r.Length; j++)
                Assert.True(Math.Abs(r[j] - d[j]) <= 1e-5, $"tensor {i} element {j}: {r[j]} vs {d[j]}");
        }
        var bn = (BatchNorm1d)parallel.NamedChildren().Select(c => c.Module).Single(m => m is BatchNorm1d);
        Assert.Equal(steps, (int)bn.NumBatchesTracked!.Item());

        // Per-replica statistics make the result differ from one replica over whole batches.
        var single = Mlp(true, 13);
        new Trainer(single, loss, new Adam(single.Parameters(), new AdamOptions(0.01))).Fit(Loader(), epochs: 1);
        double diff = MaxDiff([.. single.Parameters().Select(p => p.ToArray<float>())],
            [.. parallel.Parameters().Select(p => p.ToArray<float>())]);
        Assert.True(diff > 1e-4, $"max |Δw| vs one replica = {diff:E3}");
    }

    [Fact]
    public void TrainingLossIsTheWholeBatchMean()
    {
        var a = Mlp(false, 17);
        var b = Mlp(false, 17);
        var ha = new Trainer(a, new CrossEntropyLoss(), new Sgd(a.Parameters(), new SgdOptions(0.1))).Fit(Loader(), epochs: 2);
        var hb = new Trainer(b, new CrossEntropyLoss(), new Sgd(b.Parameters(), new SgdOptions(0.1)),
            new TrainerOptions { DataParallel = 2 }).Fit(Loader(), epochs: 2);
        var la = ha.Series("loss");
        var lb = hb.Series("loss");
        for (int e = 0; e < la.Length; e++) Assert.Equal(la[e], lb[e], 5);
    }
}

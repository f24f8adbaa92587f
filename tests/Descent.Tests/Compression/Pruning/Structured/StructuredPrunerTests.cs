using Descent.Compression.Pruning;
using Descent.Compression.Pruning.Structured;
using Descent.Experiments;
using Descent.NN;
using Descent.Tensors;

namespace Descent.Tests.Compression.Pruning.Structured;

/// <summary>StructuredPruner end to end and the selection rules: local and global, round_to, per-layer amounts, refusals.</summary>
public class StructuredPrunerTests
{
    [Fact]
    public void HalvingTheMlpsHiddenUnitsGivesAnOrdinarySmallerModel()
    {
        var model = ModelPresets.Create("mlp");
        var result = new StructuredPruner(new StructuredPruningOptions { Amount = 0.5 }).Prune(model, [1, 28, 28]);
        Assert.Equal(128, ((Linear)model[1]).OutFeatures);
        Assert.Equal(128, ((Linear)model[3]).InFeatures);
        Assert.Equal(64, ((Linear)model[3]).OutFeatures);
        Assert.Equal(64, ((Linear)model[5]).InFeatures);
        Assert.Equal(10, ((Linear)model[5]).OutFeatures);
        Assert.Equal(784L * 128 + 128 + 128 * 64 + 64 + 64 * 10 + 10, result.After.Parameters);
        Assert.Equal(784L * 128 + 128 * 64 + 64 * 10, result.After.Macs);
        Assert.Equal(784L * 256 + 256 * 128 + 128 * 10, result.Before.Macs);
        Assert.Equal(128 + 64, result.RemovedChannels);
        Assert.Equal(["1", "3", "5"], result.Layers.Select(l => l.Path));
        Assert.Equal([2, 10], model.Call(Tensor.Zeros(2, 1, 28, 28)).Shape.ToArray());
    }

    [Fact]
    public void RoundToKeepsMultiplesAndPerLayerAmountsOverride()
    {
        var model = ModelPresets.Create("mlp", hidden: [100, 50]);
        var options = new StructuredPruningOptions { Amount = 0.3, RoundTo = 8, LayerAmounts = new Dictionary<string, double> { ["3"] = 0.9 } };
        new StructuredPruner(options).Prune(model, [1, 28, 28]);
        Assert.Equal(72, ((Linear)model[1]).OutFeatures);   // 100 − 30 = 70 → 72
        Assert.Equal(8, ((Linear)model[3]).OutFeatures);    // 50 − 45 = 5 → 8
    }

    [Fact]
    public void GlobalPruningRanksAllGroupsAndRespectsTheMaximum()
    {
        // Group 0's scores are all below group 1's after normalization except one outlier.
        double[] a = [1, 1, 1, 1, 10], b = [5, 6, 7, 8];
        var kept = GlobalChannelSelection.Keep([a, b], amount: 4.0 / 9, maxRatio: 1);
        Assert.Equal([4], kept[0]);
        Assert.Equal([0, 1, 2, 3], kept[1]);
        var capped = GlobalChannelSelection.Keep([a, b], amount: 4.0 / 9, maxRatio: 0.4);
        Assert.Equal([2, 3, 4], capped[0]);   // at most 2 of 5 from group 0 and 1 of 4 from group 1: 3 < 4 removed
        Assert.Equal([1, 2, 3], capped[1]);
        var rounded = GlobalChannelSelection.Keep([a, b], amount: 4.0 / 9, roundTo: 2);
        Assert.Equal([3, 4], rounded[0]);
    }

    [Fact]
    public void GlobalPrunerRemovesTheRequestedShareOfAllChannels()
    {
        var model = ModelPresets.Create("cnn-small");
        var result = new StructuredPruner(new StructuredPruningOptions { Global = true, Amount = 0.4, MaxLayerAmount = 0.8 }).Prune(model, [1, 28, 28]);
        int total = result.Groups.Sum(g => g.Group.Channels);
        Assert.Equal((int)Math.Round(0.4 * total), result.RemovedChannels);
        Assert.All(result.Groups, g => Assert.True(g.Kept.Length >= g.Group.Channels - (int)(0.8 * g.Group.Channels)));
        Assert.True(result.After.Macs < result.Before.Macs);
        Assert.Equal([3, 10], model.Call(Tensor.Zeros(3, 1, 28, 28)).Shape.ToArray());
    }

    [Fact]
    public void ARequestThatWouldEmptyALayerIsRefused()
    {
        var error = Assert.Throws<ArgumentException>(() => ChannelSelection.Keep([1.0, 2, 3], PruneAmount.Count(3), layer: "group 1"));
        Assert.Contains("would remove them all", error.Message);
        Assert.Contains("group 1", error.Message);
        var model = ModelPresets.Create("mlp");
        var graph = DependencyGraph.Build(model, [1, 28, 28]);
        Assert.Throws<ArgumentException>(() => ChannelRemoval.Apply(model, new Dictionary<PruningGroup, int[]> { [graph.GroupOf("1")] = [] }));
        var fixedGroup = Assert.Throws<ArgumentException>(() => ChannelRemoval.Apply(model, new Dictionary<PruningGroup, int[]> { [graph.GroupOf("5")] = [0, 1] }));
        Assert.Contains("model's output", fixedGroup.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new StructuredPruner(new StructuredPruningOptions { Amount = 1 }));
    }

    [Fact]
    public void TaylorNeedsCalibrationAndScoresWithGradients()
    {
        var model = ModelPresets.Create("mlp", hidden: [16, 8], dtype: DType.Float64);
        Assert.Throws<ArgumentException>(() => new StructuredPruner(new StructuredPruningOptions { Criterion = ImportanceCriterion.Taylor }).Prune(model, [1, 28, 28]));
        var x = Tensor.Randn(new Shape(4, 1, 28, 28), DType.Float64, new Generator(1));
        IEnumerable<Tensor> Losses() { for (int i = 0; i < 2; i++) yield return (model.Call(x) * model.Call(x)).Sum(); }
        var graph = DependencyGraph.Build(model, [1, 28, 28]);
        ChannelImportance.AccumulateGradients(model, Losses());
        var scores = ChannelImportance.Compute(graph.GroupOf("1"), ImportanceCriterion.Taylor);
        var w = ((Linear)model[1]).Weight;
        var g = w.Grad!.ToDoubleArray();
        var wd = w.ToDoubleArray();
        double expected = Math.Abs(Enumerable.Range(0, 784).Sum(k => wd[3 * 784 + k] * g[3 * 784 + k]));
        Assert.Equal(expected, scores[3], 12);
        var result = new StructuredPruner(new StructuredPruningOptions { Criterion = ImportanceCriterion.Taylor }).Prune(model, [1, 28, 28], Losses());
        Assert.Equal(8, ((Linear)model[1]).OutFeatures);
        Assert.Equal(2, result.Groups.Count);
    }

    [Fact]
    public void BnScaleNeedsABatchNorm()
    {
        var model = ModelPresets.Create("mlp");
        var error = Assert.Throws<ArgumentException>(() => new StructuredPruner(new StructuredPruningOptions { Criterion = ImportanceCriterion.BnScale }).Prune(model, [1, 28, 28]));
        Assert.Contains("needs a BatchNorm", error.Message);
    }

    [Fact]
    public void ResidualModelsPruneEveryGroupAndStillRun()
    {
        var model = ModelPresets.Create("resnet-small");
        var result = new StructuredPruner(new StructuredPruningOptions { Amount = 0.5, Criterion = ImportanceCriterion.BnScale }).Prune(model, [1, 16, 16]);
        Assert.Equal(6, result.Groups.Count);
        Assert.Equal(8, ((Conv2d)model.GetSubmodule("0")).OutChannels);
        Assert.Equal(8, ((Conv2d)model.GetSubmodule("3.body.3")).OutChannels);
        Assert.Equal(32, ((Linear)model.GetSubmodule("8")).InFeatures);
        Assert.Equal([2, 10], model.Call(Tensor.Zeros(2, 1, 16, 16)).Shape.ToArray());
        Assert.True(result.After.Macs < result.Before.Macs / 2);
    }
}

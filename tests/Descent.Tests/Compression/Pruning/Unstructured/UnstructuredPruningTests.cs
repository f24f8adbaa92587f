using Descent.Compression.Pruning;
using Descent.Compression.Pruning.Unstructured;
using Descent.Experiments;
using Descent.NN;
using Descent.Optim;
using Descent.Tensors;

namespace Descent.Tests.Compression.Pruning.Unstructured;

/// <summary>
/// UnstructuredPruning in modules: iterative composition as PyTorch's PruningContainer, pruned weights staying zero
/// through training, target sparsities for schedules, random pruning, loading pruned state dicts.
/// </summary>
public class UnstructuredPruningTests
{
    [Fact]
    public void PruningAgainTakesTheAmountOfTheRemainingEntries()
    {
        var layer = new Linear(4, 2, bias: false, dtype: DType.Float64);
        var state = new StateDict();
        state.Add("weight", Tensor.FromArray([0.1, -0.8, 0.3, 0.5, -0.2, 0.7, -0.05, 0.6], 2, 4));
        layer.LoadStateDict(state);
        UnstructuredPruning.L1(layer, "weight", PruneAmount.Fraction(0.25));   // round(0.25·8) = 2: 0.05 and 0.1
        Assert.Equal([0.0, 1, 1, 1, 1, 1, 0, 1], layer.GetParameterMask("weight")!.ToDoubleArray());
        // PyTorch: 0.5 of the 6 remaining = 3 more, ranked by the masked weight: 0.2, 0.3, 0.5.
        var mask = UnstructuredPruning.L1(layer, "weight", PruneAmount.Fraction(0.5));
        Assert.Equal([0.0, 1, 0, 0, 0, 1, 0, 1], mask.ToDoubleArray());
        Assert.Equal(5.0 / 8, UnstructuredPruning.Sparsity([new PrunableParameter("", layer, "weight")]));
        Assert.Equal([0.1, -0.8, 0.3, 0.5, -0.2, 0.7, -0.05, 0.6], layer.Weight.ToDoubleArray());   // weight_orig untouched
        var x = Tensor.Ones(new Shape(1, 4), DType.Float64);
        Assert.Equal(-0.8 + 0.7 + 0.6, layer.Call(x).ToDoubleArray().Sum(), 12);
        Assert.Throws<ArgumentOutOfRangeException>(() => UnstructuredPruning.L1(layer, "weight", PruneAmount.Count(4)));   // only 3 remain
    }

    [Fact]
    public void PrunedWeightsStayZeroThroughTrainingWithMomentumAndWeightDecay()
    {
        var model = ModelPresets.Create("mlp", hidden: [16, 8], dtype: DType.Float64);
        var weights = UnstructuredPruning.Weights(model, ignore: ["5"]);
        Assert.Equal(["1.weight", "3.weight"], weights.Select(w => w.ToString()));
        UnstructuredPruning.GlobalL1(weights, PruneAmount.Fraction(0.7));
        var optimizer = new Sgd(model.Parameters(), new SgdOptions(0.1, momentum: 0.9, weightDecay: 1e-2));
        var x = Tensor.Randn(new Shape(8, 1, 28, 28), DType.Float64, new Generator(1));
        var masksBefore = weights.Select(w => w.Mask!.ToDoubleArray()).ToList();
        var output = model.Call(x).ToDoubleArray();
        for (int step = 0; step < 3; step++)
        {
            optimizer.ZeroGrad();
            var y = model.Call(x);
            (y * y).Mean().Backward();
            for (int t = 0; t < weights.Count; t++)
            {
                var grad = weights[t].Parameter.Grad!.ToDoubleArray();
                for (int i = 0; i < grad.Length; i++)
                    if (masksBefore[t][i] == 0) Assert.Equal(0, grad[i]);
            }
            optimizer.Step();
        }
        Assert.NotEqual(output, model.Call(x).ToDoubleArray());   // it did train
        for (int t = 0; t < weights.Count; t++) Assert.Equal(masksBefore[t], weights[t].Mask!.ToDoubleArray());
        UnstructuredPruning.RemoveAll(model);
        Assert.DoesNotContain(model.StateDict().Keys, k => k.EndsWith("_mask", StringComparison.Ordinal));
        long zeros = weights.Sum(w => w.Parameter.ToDoubleArray().Count(v => v == 0));
        Assert.Equal((long)Math.Round(0.7 * (784 * 16 + 16 * 8)), zeros);
    }

    [Fact]
    public void ATargetSparsityCountsAllEntriesAndNeverRevivesAny()
    {
        var model = ModelPresets.Create("mlp", hidden: [16, 8], dtype: DType.Float32);
        var weights = UnstructuredPruning.Weights(model);
        long total = weights.Sum(w => (long)w.Parameter.Numel);
        UnstructuredPruning.GlobalL1ToSparsity(weights, 0.3);
        Assert.Equal(Math.Round(0.3 * total) / total, UnstructuredPruning.Sparsity(weights), 12);
        var first = weights.Select(w => w.Mask!.ToDoubleArray()).ToList();
        UnstructuredPruning.GlobalL1ToSparsity(weights, 0.8);
        Assert.Equal(Math.Round(0.8 * total) / total, UnstructuredPruning.Sparsity(weights), 12);
        for (int t = 0; t < weights.Count; t++)
        {
            var now = weights[t].Mask!.ToDoubleArray();
            for (int i = 0; i < now.Length; i++) Assert.True(first[t][i] == 1 || now[i] == 0);
        }
        UnstructuredPruning.GlobalL1ToSparsity(weights, 0.5);   // below the current sparsity: nothing changes
        Assert.Equal(Math.Round(0.8 * total) / total, UnstructuredPruning.Sparsity(weights), 12);
        Assert.Throws<ArgumentOutOfRangeException>(() => UnstructuredPruning.GlobalL1ToSparsity(weights, 1.5));
    }

    [Fact]
    public void RandomPruningRemovesTheCountFromTheRemainingEntries()
    {
        var layer = new Linear(10, 10);
        UnstructuredPruning.Random(layer, "weight", PruneAmount.Fraction(0.5), new Generator(3));
        var first = layer.GetParameterMask("weight")!.ToDoubleArray();
        Assert.Equal(50, first.Count(v => v == 0));
        var second = UnstructuredPruning.Random(layer, "weight", PruneAmount.Count(20), new Generator(4)).ToDoubleArray();
        Assert.Equal(70, second.Count(v => v == 0));
        for (int i = 0; i < first.Length; i++) Assert.True(first[i] == 1 || second[i] == 0);
        var other = new Linear(10, 10);
        UnstructuredPruning.Random(other, "weight", PruneAmount.Fraction(0.5), new Generator(5));
        Assert.NotEqual(first, other.GetParameterMask("weight")!.ToDoubleArray());
    }

    [Fact]
    public void APrunedStateDictLoadsIntoAFreshModelOnceItsMasksAreAdded()
    {
        var pruned = ModelPresets.Create("mlp", hidden: [16, 8]);
        UnstructuredPruning.GlobalL1(UnstructuredPruning.Weights(pruned), PruneAmount.Fraction(0.5));
        var state = pruned.StateDict();
        var fresh = ModelPresets.Create("mlp", hidden: [16, 8]);
        Assert.Contains("unexpected keys: 1.weight_mask", Assert.Throws<InvalidOperationException>(() => fresh.LoadStateDict(state)).Message);
        UnstructuredPruning.AddMasksFor(fresh, state);
        fresh.LoadStateDict(state);
        var x = Tensor.Randn(new Shape(2, 1, 28, 28), DType.Float32, new Generator(2));
        Assert.Equal(pruned.Call(x).ToDoubleArray(), fresh.Call(x).ToDoubleArray());
        Assert.Equal(0.5, UnstructuredPruning.Sparsity(UnstructuredPruning.Weights(fresh)), 3);
        Assert.Throws<ArgumentException>(() => UnstructuredPruning.Weights(fresh, ignore: ["nope"]));
    }
}

using Descent.Compression.Pruning;
using Descent.Compression.Pruning.Unstructured;
using Descent.Compression.Pruning.Sparse;
using Descent.NN;
using Descent.Tensors;
using Descent.Tensors.Autograd;

namespace Descent.Tests.Compression.Pruning.Sparse;

public class SparseLinearTests
{
    [Theory]
    [InlineData(DType.Float32, 1e-5)]
    [InlineData(DType.Float64, 1e-12)]
    public void APrunedLinearAndItsSparseFormGiveTheSameOutputs(DType dtype, double tolerance)
    {
        var linear = new Linear(50, 30, dtype: dtype, generator: new Generator(1));
        UnstructuredPruning.L1(linear, "weight", PruneAmount.Fraction(0.9));
        var sparse = SparseLinear.FromLinear(linear);
        Assert.Equal(150, sparse.NonZeros);
        Assert.Equal(0.9, sparse.Sparsity, 12);
        Assert.Equal(dtype, sparse.DType);
        using var noGrad = GradMode.Disable();
        foreach (var shape in new[] { new Shape(50), new Shape(1, 50), new Shape(7, 50), new Shape(3, 40, 50) })
        {
            var x = Tensor.Randn(shape, dtype, new Generator(2));
            var expected = linear.Call(x).To(DType.Float64).ToArray<double>();
            var actual = sparse.Call(x);
            Assert.Equal(linear.Call(x).Shape, actual.Shape);
            var got = actual.To(DType.Float64).ToArray<double>();
            for (int i = 0; i < got.Length; i++) Assert.True(Math.Abs(got[i] - expected[i]) <= tolerance * (1 + Math.Abs(expected[i])), $"{shape} [{i}]: {got[i]} vs {expected[i]}");
        }
        Assert.Equal(linear.Masked(linear.Weight)!.To(DType.Float64).ToArray<double>(), sparse.DenseWeight().To(DType.Float64).ToArray<double>());
    }

    [Fact]
    public void ToSparseConvertsOnlyLayersAboveTheThresholdAndKeepsTheOutputs()
    {
        var model = new Sequential(new Linear(20, 16, generator: new Generator(3)), new ReLU(), new Linear(16, 4, generator: new Generator(4)));
        UnstructuredPruning.L1(model.GetSubmodule("0"), "weight", PruneAmount.Fraction(0.8));
        UnstructuredPruning.L1(model.GetSubmodule("2"), "weight", PruneAmount.Fraction(0.3));
        var x = Tensor.Randn(new Shape(5, 20), generator: new Generator(5));
        float[] before;
        using (GradMode.Disable()) before = model.Call(x).ToArray<float>();
        var entries = model.ToSparse(minSparsity: 0.5);
        Assert.Equal([("0", true), ("2", false)], entries.Select(e => (e.Path, e.Converted)));
        Assert.Equal(0.8, entries[0].Sparsity, 12);
        Assert.IsType<SparseLinear>(model.GetSubmodule("0"));
        Assert.IsType<Linear>(model.GetSubmodule("2"));
        using (GradMode.Disable())
        {
            var after = model.Call(x).ToArray<float>();
            for (int i = 0; i < after.Length; i++) Assert.Equal(before[i], after[i], 1e-5f);
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => model.ToSparse(1.5));
    }

    [Fact]
    public void TheStateDictRebuildsTheSameLayer()
    {
        var linear = new Linear(9, 5, generator: new Generator(6));
        UnstructuredPruning.L1(linear, "weight", PruneAmount.Fraction(0.6));
        var sparse = SparseLinear.FromLinear(linear);
        var empty = new SparseLinear(9, 5, storedEntries: sparse.Values.Numel);
        empty.LoadStateDict(sparse.StateDict());
        Assert.Equal(sparse.NonZeros, empty.NonZeros);
        var x = Tensor.Randn(new Shape(4, 9), generator: new Generator(7));
        Assert.Equal(sparse.Call(x).ToArray<float>(), empty.Call(x).ToArray<float>());
        Assert.Contains("nnz=18", empty.ToString());
    }

    [Fact]
    public void RefusesAnInputOfTheWrongWidthOrDtype()
    {
        var sparse = SparseLinear.FromLinear(new Linear(4, 2, generator: new Generator(8)));
        Assert.Contains("does not end in in_features = 4", Assert.Throws<ArgumentException>(() => sparse.Call(Tensor.Zeros(new Shape(2, 3)))).Message);
        Assert.Contains("input is float64", Assert.Throws<ArgumentException>(() => sparse.Call(Tensor.Zeros(new Shape(2, 4), DType.Float64))).Message);
    }
}

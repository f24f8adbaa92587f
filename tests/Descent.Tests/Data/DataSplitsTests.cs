using Descent.Data;

namespace Descent.Tests.Data;

public class DataSplitsTests
{
    private static void AssertPartition(int n, params IEnumerable<int>[] parts)
    {
        var all = parts.SelectMany(p => p).ToList();
        Assert.Equal(n, all.Count);
        Assert.Equal(Enumerable.Range(0, n), all.Order());
    }

    [Fact]
    public void TrainValidationIsADisjointCoverWithCeilValidationSize()
    {
        var ds = DataTestUtil.Indexed(101);
        var (train, val) = DataSplits.TrainValidation(ds, 0.2, seed: 3);
        Assert.Equal(21, val.Count); // ⌈0.2·101⌉, as scikit-learn
        Assert.Equal(80, train.Count);
        AssertPartition(101, train.Indices.ToArray(), val.Indices.ToArray());
        Assert.True(train.Indices.ToArray().SequenceEqual(train.Indices.ToArray().Order()));
        // Subsets are views: their samples are the parent's.
        var (x, y) = val.Get(0);
        Assert.Equal(val.Indices[0], (int)x[0]);
        Assert.Equal(val.Indices[0] % 7, (long)y.Item());
    }

    [Fact]
    public void TrainValidationDependsOnlyOnTheSeed()
    {
        var ds = DataTestUtil.Indexed(100);
        var a = DataSplits.TrainValidation(ds, 0.3, seed: 1).Validation.Indices.ToArray();
        var b = DataSplits.TrainValidation(ds, 0.3, seed: 1).Validation.Indices.ToArray();
        var c = DataSplits.TrainValidation(ds, 0.3, seed: 2).Validation.Indices.ToArray();
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void StratifiedSplitKeepsClassProportions()
    {
        // Classes of sizes 60, 30, 10.
        var labels = Enumerable.Range(0, 100).Select(i => (long)(i < 60 ? 0 : i < 90 ? 1 : 2)).ToArray();
        var ds = new TensorDataset(Descent.Tensors.Tensor.Zeros(100, 1), Descent.Tensors.Tensor.FromArray(labels, 100));
        var (train, val) = DataSplits.TrainValidation(ds, 0.2, seed: 5, stratify: true);
        Assert.Equal([12, 6, 2], val.ClassCounts());
        Assert.Equal([48, 24, 8], train.ClassCounts());
        AssertPartition(100, train.Indices.ToArray(), val.Indices.ToArray());
    }

    [Fact]
    public void StratifiedSplitApportionsRemaindersExactly()
    {
        var labels = Enumerable.Range(0, 10).Select(i => (long)(i < 5 ? 0 : i < 8 ? 1 : 2)).ToArray(); // 5, 3, 2
        var (train, val) = DataSplits.TrainValidationIndices(labels, 0.5, seed: 1);
        Assert.Equal(5, val.Length);
        var counts = new int[3];
        foreach (int i in val) counts[labels[i]]++;
        // Exact shares 2.5, 1.5, 1.0 → floors 2, 1, 1, and the one left goes to the largest remainder (class 0 wins the tie).
        Assert.Equal([3, 1, 1], counts);
        AssertPartition(10, train, val);
    }

    [Fact]
    public void KFoldValidationPartsPartitionTheData()
    {
        var ds = DataTestUtil.Indexed(23);
        var folds = DataSplits.KFold(ds, 5, seed: 2);
        Assert.Equal(5, folds.Length);
        Assert.Equal([5, 5, 5, 4, 4], folds.Select(f => f.Validation.Count));
        AssertPartition(23, folds.Select(f => f.Validation.Indices.ToArray()).ToArray());
        foreach (var f in folds)
        {
            Assert.Empty(f.Train.Indices.ToArray().Intersect(f.Validation.Indices.ToArray()));
            AssertPartition(23, f.Train.Indices.ToArray(), f.Validation.Indices.ToArray());
        }
        Assert.Equal(DataSplits.KFoldIndices(23, 5, seed: 2), DataSplits.KFoldIndices(23, 5, seed: 2));
        Assert.NotEqual(DataSplits.KFoldIndices(23, 5, seed: 2), DataSplits.KFoldIndices(23, 5, seed: 3));
    }

    [Fact]
    public void KFoldWithoutShuffleTakesConsecutiveBlocks()
    {
        var parts = DataSplits.KFoldIndices(7, 3, seed: 0, shuffle: false);
        Assert.Equal([[0, 1, 2], [3, 4], [5, 6]], parts);
    }

    [Fact]
    public void StratifiedKFoldSpreadsEachClassEvenly()
    {
        var ds = DataTestUtil.Indexed(70, classes: 7); // 10 per class
        var folds = DataSplits.KFold(ds, 5, seed: 8, stratify: true);
        AssertPartition(70, folds.Select(f => f.Validation.Indices.ToArray()).ToArray());
        foreach (var f in folds)
            Assert.All(f.Validation.ClassCounts(), c => Assert.Equal(2, c));
    }

    [Fact]
    public void SplitsValidateArguments()
    {
        var ds = DataTestUtil.Indexed(10);
        Assert.Throws<ArgumentOutOfRangeException>(() => DataSplits.TrainValidation(ds, 0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => DataSplits.TrainValidation(ds, 1, 1));
        Assert.Throws<ArgumentException>(() => DataSplits.TrainValidation(DataTestUtil.Indexed(2), 0.9, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => DataSplits.KFold(ds, 1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => DataSplits.KFold(ds, 11, 1));
        var regression = SyntheticData.LinearRegression(10, 1.0, 0.0);
        Assert.Throws<InvalidOperationException>(() => DataSplits.TrainValidation(regression, 0.2, 1, stratify: true));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Subset(ds, [0, 10]));
    }

    [Fact]
    public void SubsetBatchesGoThroughTheIndexList()
    {
        var sub = new Subset(DataTestUtil.Indexed(20), [19, 3, 7, 11]);
        var loader = new DataLoader(sub, batchSize: 3);
        Assert.Equal([[19, 3, 7], [11]], DataTestUtil.EpochIndices(loader, 0));
    }
}

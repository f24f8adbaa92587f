using Descent.Data;
using Descent.Tensors;

namespace Descent.Tests.Data;

public class DataLoaderTests
{
    [Fact]
    public void WithoutShuffleBatchesFollowTheDatasetOrder()
    {
        var loader = new DataLoader(DataTestUtil.Indexed(10), batchSize: 4);
        var batches = DataTestUtil.EpochIndices(loader, 0);
        Assert.Equal([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]], batches);
        Assert.Equal(3, loader.BatchCount(0));
    }

    [Fact]
    public void TargetsTravelWithTheirFeatures()
    {
        var loader = new DataLoader(DataTestUtil.Indexed(50), batchSize: 8, shuffle: true, seed: 3);
        foreach (var (x, y) in loader.Epoch(1))
        {
            Assert.Equal(DType.Int64, y.DType);
            Assert.Equal(x.Shape[0], y.Shape[0]);
            var idx = DataTestUtil.IndicesOf(x);
            var labels = y.ToArray<long>();
            for (int i = 0; i < idx.Length; i++) Assert.Equal(idx[i] % 7, labels[i]);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void EveryIndexExactlyOncePerEpoch(bool shuffle)
    {
        var loader = new DataLoader(DataTestUtil.Indexed(103), batchSize: 10, shuffle: shuffle, seed: 5);
        for (int epoch = 0; epoch < 3; epoch++)
        {
            var seen = DataTestUtil.EpochIndices(loader, epoch).SelectMany(b => b).ToList();
            Assert.Equal(Enumerable.Range(0, 103), seen.Order());
        }
    }

    [Fact]
    public void DropLastDropsOnlyTheShortBatch()
    {
        var loader = new DataLoader(DataTestUtil.Indexed(103), batchSize: 10, shuffle: true, seed: 5, dropLast: true);
        var batches = DataTestUtil.EpochIndices(loader, 0);
        Assert.Equal(10, batches.Count);
        Assert.All(batches, b => Assert.Equal(10, b.Length));
        var seen = batches.SelectMany(b => b).ToList();
        Assert.Equal(100, seen.Distinct().Count());
        // The dropped samples are the tail of the epoch's permutation.
        Assert.Equal(loader.Order(0).Take(100), seen);
    }

    [Fact]
    public void ShuffleIsAFunctionOfSeedAndEpoch()
    {
        var ds = DataTestUtil.Indexed(200);
        var a = new DataLoader(ds, batchSize: 16, shuffle: true, seed: 42);
        var b = new DataLoader(ds, batchSize: 16, shuffle: true, seed: 42);
        var other = new DataLoader(ds, batchSize: 16, shuffle: true, seed: 43);
        // Visiting epochs in a different order does not change any epoch's permutation.
        var a3 = DataTestUtil.EpochIndices(a, 3);
        var a0 = DataTestUtil.EpochIndices(a, 0);
        Assert.Equal(a0, DataTestUtil.EpochIndices(b, 0));
        Assert.Equal(a3, DataTestUtil.EpochIndices(b, 3));
        Assert.NotEqual(a0, a3);
        Assert.NotEqual(a0, DataTestUtil.EpochIndices(other, 0));
        Assert.NotEqual(Enumerable.Range(0, 200), a.Order(0));
    }

    [Fact]
    public void ShuffleIsUnbiasedEnough()
    {
        // Over many epochs each index should land in the first slot about equally often (chi-square, 9 dof).
        var loader = new DataLoader(DataTestUtil.Indexed(10), batchSize: 10, shuffle: true, seed: 1);
        var counts = new int[10];
        const int epochs = 5000;
        for (int e = 0; e < epochs; e++) counts[loader.Order(e)[0]]++;
        double expected = epochs / 10.0, chi2 = counts.Sum(c => (c - expected) * (c - expected) / expected);
        Assert.InRange(chi2, 0, 27.9); // p = 0.001
    }

    [Fact]
    public void ResumeMidEpochEqualsUninterruptedOrderAndAugmentation()
    {
        var ds = ImageSet(40);
        var options = new DataLoaderOptions
        {
            BatchSize = 6,
            Shuffle = true,
            Seed = 11,
            Transform = new Compose(new RandomCrop(4, padding: 1), new RandomHorizontalFlip()),
        };
        var full = new DataLoader(ds, options);
        var uninterrupted = new List<float[]>();
        foreach (var (x, _) in full.Epoch(2)) uninterrupted.Add(x.ToFloatArray());

        var first = new DataLoader(ds, options);
        DataLoaderState saved = default;
        int consumed = 0;
        foreach (var (x, _) in first.Epoch(2))
        {
            Assert.Equal(uninterrupted[consumed], x.ToFloatArray());
            consumed++;
            saved = first.State;
            if (consumed == 3) break; // "killed" after three steps
        }
        Assert.Equal(new DataLoaderState(11, 2, 3, 6, 40), saved);

        var resumed = new DataLoader(ds, options);
        var rest = new List<float[]>();
        foreach (var (x, _) in resumed.Resume(saved)) rest.Add(x.ToFloatArray());
        Assert.Equal(uninterrupted.Skip(3), rest);
        Assert.Equal(new DataLoaderState(11, 2, 7, 6, 40), resumed.State);
    }

    [Fact]
    public void ResumeRejectsAnotherConfiguration()
    {
        var ds = DataTestUtil.Indexed(30);
        var state = new DataLoaderState(1, 0, 2, 8, 30);
        Assert.Throws<ArgumentException>(() => new DataLoader(ds, 8, shuffle: true, seed: 2).Resume(state));
        var ex = Assert.Throws<ArgumentException>(() => new DataLoader(ds, 10, shuffle: true, seed: 1).Resume(state));
        Assert.Contains("batch size 8", ex.Message);
        Assert.Throws<ArgumentException>(() => new DataLoader(DataTestUtil.Indexed(31), 8, shuffle: true, seed: 1).Resume(state));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DataLoader(ds, 8, shuffle: true, seed: 1).Resume(state with { BatchIndex = 5 }));
    }

    [Fact]
    public void DynamicBatchSizeFollowsTheSchedule()
    {
        var loader = new DataLoader(DataTestUtil.Indexed(100), new DataLoaderOptions
        {
            BatchSizeSchedule = BatchSizeSchedule.Steps((0, 10), (2, 25), (3, 64)),
            Shuffle = true,
            Seed = 9,
        });
        int[][] expected = [[10], [10], [25], [64, 36]];
        for (int epoch = 0; epoch < 4; epoch++)
        {
            var batches = DataTestUtil.EpochIndices(loader, epoch);
            var sizes = batches.Select(b => b.Length).Distinct().ToArray();
            Assert.Equal(expected[epoch], sizes);
            Assert.Equal(Enumerable.Range(0, 100), batches.SelectMany(b => b).Order());
            Assert.Equal(loader.BatchCount(epoch), batches.Count);
        }
        var fn = new DataLoader(DataTestUtil.Indexed(100), new DataLoaderOptions { BatchSizeSchedule = BatchSizeSchedule.FromFunction(e => 8 << e) });
        Assert.Equal([8, 16, 32], new[] { fn.BatchSize(0), fn.BatchSize(1), fn.BatchSize(2) });
        Assert.Throws<InvalidOperationException>(() => BatchSizeSchedule.FromFunction(_ => 0).SizeAt(0));
        Assert.Throws<ArgumentException>(() => BatchSizeSchedule.Steps((1, 8)));
        Assert.Throws<ArgumentException>(() => BatchSizeSchedule.Steps((0, 8), (3, 16), (2, 32)));
    }

    [Fact]
    public void ABatchStaysValidWhileTheNextIsProduced()
    {
        var loader = new DataLoader(DataTestUtil.Indexed(12), batchSize: 4);
        using var e = loader.Epoch(0).GetEnumerator();
        Assert.True(e.MoveNext());
        var first = e.Current.Features;
        Assert.True(e.MoveNext());
        Assert.Equal([0, 1, 2, 3], DataTestUtil.IndicesOf(first));
        Assert.Equal([4, 5, 6, 7], DataTestUtil.IndicesOf(e.Current.Features));
        Assert.Equal(1, e.Current.Index);
        // The batch after next reuses the first batch's buffer (documented lifetime: two batches).
        Assert.True(e.MoveNext());
        Assert.Equal([8, 9, 10, 11], DataTestUtil.IndicesOf(first));
    }

    [Fact]
    public void BatchesDrawnInsideAStepScopeOutliveIt()
    {
        var loader = new DataLoader(DataTestUtil.Indexed(12), batchSize: 4);
        using var e = loader.Epoch(0).GetEnumerator();
        Tensor x;
        using (StepScope.Begin())
        {
            Assert.True(e.MoveNext());
            x = e.Current.Features;
            _ = x * 2;
        }
        // The buffers are long-lived, so the batch survives its step's scope and the next batch reuses nothing freed.
        Assert.Equal([0, 1, 2, 3], DataTestUtil.IndicesOf(x));
        using (StepScope.Begin())
            Assert.True(e.MoveNext());
        Assert.Equal([4, 5, 6, 7], DataTestUtil.IndicesOf(e.Current.Features));
    }

    [Fact]
    public void SteadyStateBatchesDoNotAllocateBuffers()
    {
        var ds = ImageSet(512, size: 16);
        var loader = new DataLoader(ds, new DataLoaderOptions
        {
            BatchSize = 64,
            Shuffle = true,
            Seed = 1,
            Transform = new Compose(new Normalize([0.5], [0.25]), new RandomCrop(16, padding: 2), new RandomHorizontalFlip(), new Flatten()),
            TargetTransform = new OneHot(10),
        });
        int width = 0;
        void RunEpoch(int epoch)
        {
            foreach (var (x, y) in loader.Epoch(epoch))
            {
                using var step = StepScope.Begin();
                width = x.Shape[1] + y.Shape[1];
            }
        }
        RunEpoch(0); // warm-up: buffers and JIT
        Assert.Equal(256 + 10, width);
        long before = GC.GetAllocatedBytesForCurrentThread();
        const int epochs = 4;
        for (int e = 1; e <= epochs; e++) RunEpoch(e);
        long perBatch = (GC.GetAllocatedBytesForCurrentThread() - before) / (epochs * loader.BatchCount(0));
        // A batch buffer is 64×16×16×4 = 64 KiB; only tensor headers and shapes may be allocated per batch.
        Assert.InRange(perBatch, 0, 1024);
    }

    [Fact]
    public void ConstructorAndEpochValidateArguments()
    {
        var ds = DataTestUtil.Indexed(5);
        Assert.Throws<ArgumentOutOfRangeException>(() => new DataLoader(ds, batchSize: 0));
        var loader = new DataLoader(ds, batchSize: 2);
        Assert.Throws<ArgumentOutOfRangeException>(() => loader.Epoch(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => loader.Epoch(0, 4));
        Assert.Empty(DataTestUtil.EpochIndices(loader, 0, 3));
    }

    /// <summary>Images [N, 1, size, size] with distinct pixel values, labels i mod 10.</summary>
    internal static TensorDataset ImageSet(int n, int size = 4)
    {
        var x = new float[n * size * size];
        for (int i = 0; i < x.Length; i++) x[i] = (i % 251) / 251f;
        var y = new long[n];
        for (int i = 0; i < n; i++) y[i] = i % 10;
        return new TensorDataset(Tensor.FromArray(x, n, 1, size, size), Tensor.FromArray(y, n));
    }
}

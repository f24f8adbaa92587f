using Descent.NN;
using Descent.Tensors;
using Descent.Tensors.Autograd;

namespace Descent.Tests.NN;

/// <summary>
/// Layers' <c>Keep</c>: a new, independent layer computing exactly the kept part of the original (values, buffers,
/// options, dtype, training mode), with clear errors for bad selections.
/// </summary>
public class KeepTests
{
    private static Tensor Take(Tensor t, int dim, params int[] indices) =>
        t.IndexSelect(dim, Tensor.FromArray(Array.ConvertAll(indices, i => (long)i), indices.Length));

    /// <summary><paramref name="x"/> with every index of <paramref name="dim"/> not in <paramref name="kept"/> set to zero.</summary>
    private static Tensor ZeroOthers(Tensor x, int dim, int[] kept)
    {
        var mask = new double[x.Shape[dim]];
        foreach (var k in kept) mask[k] = 1;
        var shape = Enumerable.Repeat(1, x.Rank).ToArray();
        shape[dim] = mask.Length;
        return x * Tensor.FromArray(mask, shape);
    }

    private static void AssertClose(Tensor expected, Tensor actual)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        var e = expected.ToDoubleArray();
        var a = actual.ToDoubleArray();
        for (int i = 0; i < e.Length; i++) Assert.True(Math.Abs(e[i] - a[i]) <= 1e-12 * (1 + Math.Abs(e[i])), $"element {i}: {a[i]} vs {e[i]}");
    }

    private static Tensor X(params int[] shape) => Tensor.Randn(new Shape(shape), DType.Float64, new Generator(11));

    [Fact]
    public void LinearKeepsRowsAndColumns()
    {
        var linear = new Linear(5, 4, dtype: DType.Float64, generator: new Generator(1));
        int[] outs = [0, 2, 3], ins = [1, 4];
        var kept = linear.Keep(outs, ins);
        Assert.Equal((2, 3, DType.Float64), (kept.InFeatures, kept.OutFeatures, kept.Weight.DType));
        var x = X(3, 5);
        AssertClose(Take(linear.Call(ZeroOthers(x, 1, ins)), 1, outs), kept.Call(Take(x, 1, ins)));
        Assert.Equal(Take(linear.Bias!, 0, outs).ToDoubleArray(), kept.Bias!.ToDoubleArray());
        Assert.Null(new Linear(5, 4, bias: false).Keep(outputs: [1]).Bias);
    }

    [Fact]
    public void KeptLayersAreIndependentCopiesWithTheSameMode()
    {
        var linear = new Linear(3, 3, generator: new Generator(1));
        linear.Eval();
        var copy = linear.Keep();
        Assert.False(copy.Training);
        Assert.NotSame(linear.Weight, copy.Weight);
        Assert.True(copy.Weight.RequiresGrad && copy.Weight.IsLeaf);
        Assert.Equal(linear.Weight.ToArray<float>(), copy.Weight.ToArray<float>());
        using (GradMode.Disable()) copy.Weight.ZeroInPlace();
        Assert.NotEqual(0f, linear.Weight.ToArray<float>().Max(Math.Abs));
    }

    [Theory]
    [InlineData(new int[0], "outputs is empty; keep at least one of the 4")]
    [InlineData(new[] { 2, 1 }, "outputs must be strictly increasing (sorted, no duplicates); outputs[1] = 1 follows 2")]
    [InlineData(new[] { 1, 1 }, "outputs[1] = 1 follows 1")]
    [InlineData(new[] { 0, 4 }, "outputs[1] = 4 is outside [0, 4)")]
    [InlineData(new[] { -1 }, "outputs[0] = -1 is outside [0, 4)")]
    public void BadSelectionsNameTheLayerAndTheSizes(int[] outputs, string message)
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => new Linear(5, 4).Keep(outputs));
        Assert.Contains("Linear(in_features=5, out_features=4, bias=True).Keep: ", e.Message);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Conv2dKeepsOutputAndInputChannelsWithItsOptions()
    {
        var conv = new Conv2d(4, 5, 3, "same", dilation: 2, dtype: DType.Float64, generator: new Generator(2));
        int[] outs = [1, 4], ins = [0, 2, 3];
        var kept = conv.Keep(outs, ins);
        Assert.Equal((3, 2, "same", new Size2(2, 2), 1), (kept.InChannels, kept.OutChannels, kept.PaddingMode, kept.Dilation, kept.Groups));
        var x = X(2, 4, 6, 6);
        AssertClose(Take(conv.Call(ZeroOthers(x, 1, ins)), 1, outs), kept.Call(Take(x, 1, ins)));
    }

    [Fact]
    public void GroupedConv2dKeepsWholeGroupsOrTheSameCountInEveryGroup()
    {
        var conv = new Conv2d(4, 6, 3, padding: 1, groups: 2, dtype: DType.Float64, generator: new Generator(3));
        var x = X(2, 4, 5, 5);
        // Group 1 only (outputs 3..5, inputs 2..3): one group left.
        var second = conv.Keep([3, 4, 5], [2, 3]);
        Assert.Equal(1, second.Groups);
        AssertClose(Take(conv.Call(ZeroOthers(x, 1, [2, 3])), 1, 3, 4, 5), second.Call(Take(x, 1, 2, 3)));
        // Two outputs and one input from each group.
        var thinner = conv.Keep([0, 2, 3, 5], [1, 2]);
        Assert.Equal((2, 2, 4), (thinner.Groups, thinner.InChannels, thinner.OutChannels));
        AssertClose(Take(conv.Call(ZeroOthers(x, 1, [1, 2])), 1, 0, 2, 3, 5), thinner.Call(Take(x, 1, 1, 2)));

        var e = Assert.Throws<ArgumentException>(() => conv.Keep([0, 1, 3], null));
        Assert.Contains("Keep: with groups=2 every group that keeps channels must keep the same number", e.Message);
        Assert.Contains("group 1 (outputs 3..5, inputs 2..3) keeps 1 output and 2 input channels, an earlier group 2 and 2.", e.Message);
        e = Assert.Throws<ArgumentException>(() => conv.Keep([0, 1, 2], [0, 1, 2, 3]));
        Assert.Contains("group 1 (outputs 3..5, inputs 2..3) keeps 0 output and 2 input channels", e.Message);
    }

    [Fact]
    public void DepthwiseConv2dKeepsTheSameChannelsOnBothSides()
    {
        var conv = new Conv2d(4, 8, 3, padding: 1, groups: 4, dtype: DType.Float64, generator: new Generator(4)); // multiplier 2
        var kept = conv.Keep([2, 3, 6, 7], [1, 3]);
        Assert.Equal((2, 2, 4), (kept.Groups, kept.InChannels, kept.OutChannels));
        var x = X(1, 4, 5, 5);
        AssertClose(Take(conv.Call(x), 1, 2, 3, 6, 7), kept.Call(Take(x, 1, 1, 3)));
    }

    [Fact]
    public void BatchNormKeepsStatisticsCountOptionsAndMode()
    {
        var bn = new BatchNorm2d(4, eps: 1e-3, momentum: 0.3, dtype: DType.Float64);
        using (GradMode.Disable())
        {
            bn.Weight!.CopyFrom(Tensor.FromArray([1.0, 2, 3, 4], 4));
            bn.Bias!.CopyFrom(Tensor.FromArray([0.1, 0.2, 0.3, 0.4], 4));
        }
        for (int i = 0; i < 3; i++) bn.Call(X(4, 4, 3, 3) * (i + 1.0));
        int[] channels = [0, 3];
        var kept = bn.Keep(channels);
        Assert.Equal((2, 1e-3, (double?)0.3, true), (kept.NumFeatures, kept.Eps, kept.Momentum, kept.Training));
        Assert.Equal(3, kept.NumBatchesTracked!.GetDouble(0));
        Assert.Equal(Take(bn.RunningVar!, 0, channels).ToDoubleArray(), kept.RunningVar!.ToDoubleArray());
        bn.Eval();
        kept.Eval();
        var x = X(2, 4, 3, 3);
        AssertClose(Take(bn.Call(x), 1, channels), kept.Call(Take(x, 1, channels)));

        var plain = new BatchNorm1d(3, affine: false, trackRunningStats: false).Keep([2]);
        Assert.Null(plain.Weight);
        Assert.Null(plain.RunningMean);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new BatchNorm1d(3).Keep([3]));
        Assert.Contains("BatchNorm1d(3, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True).Keep: channels[0] = 3 is outside [0, 3)", e.Message);
    }

    [Fact]
    public void LayerNormKeepsFeaturesOrChannels()
    {
        var ln = new LayerNorm(5, dtype: DType.Float64);
        using (GradMode.Disable()) ln.Weight!.CopyFrom(Tensor.FromArray([1.0, 2, 3, 4, 5], 5));
        var kept = ln.Keep([1, 4]);
        Assert.Equal(new[] { 2 }, kept.NormalizedShape);
        Assert.Equal([2.0, 5], kept.Weight!.ToDoubleArray());

        var image = new LayerNorm([3, 2, 2], dtype: DType.Float64);
        var channels = image.Keep([0, 2]);
        Assert.Equal(new[] { 2, 2, 2 }, channels.NormalizedShape);
        Assert.Equal(new Shape(2, 2, 2), channels.Bias!.Shape);
        Assert.Equal(new[] { 3, 1, 2 }, image.Keep([1], dim: 1).NormalizedShape);
        Assert.Throws<ArgumentOutOfRangeException>(() => image.Keep([0], dim: 3));
    }

    [Fact]
    public void EmbeddingKeepsRowsAndDimsAndMovesThePaddingRow()
    {
        var table = new Embedding(5, 4, paddingIdx: 3, dtype: DType.Float64, generator: new Generator(5));
        var kept = table.Keep([0, 3, 4], [1, 2]);
        Assert.Equal((3, 2, (int?)1), (kept.NumEmbeddings, kept.EmbeddingDim, kept.PaddingIdx));
        Assert.Equal(Take(Take(table.Weight, 0, 0, 3, 4), 1, 1, 2).ToDoubleArray(), kept.Weight.ToDoubleArray());
        var e = Assert.Throws<ArgumentException>(() => table.Keep([0, 1]));
        Assert.Contains("embeddings must keep the padding row 3", e.Message);
    }

    [Fact]
    public void PReLUKeepsPerChannelSlopesOrCopiesASharedOne()
    {
        var prelu = new PReLU(4, dtype: DType.Float64);
        using (GradMode.Disable()) prelu.Weight.CopyFrom(Tensor.FromArray([0.1, 0.2, 0.3, 0.4], 4));
        Assert.Equal([0.2, 0.4], prelu.Keep([1, 3]).Weight.ToDoubleArray());
        var shared = new PReLU(1, init: 0.7, dtype: DType.Float64).Keep([5, 9]);
        Assert.Equal([0.7], shared.Weight.ToDoubleArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => prelu.Keep([4]));
    }
}

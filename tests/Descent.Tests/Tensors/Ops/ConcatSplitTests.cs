using Descent.Tensors;
using Descent.Tensors.Autograd;
using static Descent.Tests.Tensors.Ops.OpTestData;

namespace Descent.Tests.Tensors.Ops;

public class ConcatSplitTests
{
    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    [InlineData(DType.Int64)]
    public void CatAlongEachDim(DType dtype)
    {
        var a = Tensor.Arange(6, dtype).Reshape(2, 3);
        var b = Tensor.Arange(10, 14, 1, dtype).Reshape(2, 2);
        var c1 = Tensor.Cat([a, b], 1);
        Assert.Equal(new Shape(2, 5), c1.Shape);
        Assert.Equal([0, 1, 2, 10, 11, 3, 4, 5, 12, 13], c1.ToDoubleArray());
        var c0 = Tensor.Cat([a, a.Narrow(0, 1, 1)], 0);
        Assert.Equal(new Shape(3, 3), c0.Shape);
        Assert.Equal([0, 1, 2, 3, 4, 5, 3, 4, 5], c0.ToDoubleArray());
        Assert.Equal(dtype, c0.DType);
    }

    [Fact]
    public void CatPromotesSkipsLegacyEmptyAndJoinsMasks()
    {
        var c = Tensor.Cat([Tensor.Ones(2), Tensor.Zeros(new Shape(1), DType.Float64)]);
        Assert.Equal(DType.Float64, c.DType);
        Assert.Equal([1, 1, 0], c.ToDoubleArray());
        var skipped = Tensor.Cat([Tensor.Zeros(0), Tensor.Ones(2, 2)], 1);
        Assert.Equal(new Shape(2, 2), skipped.Shape);
        var m = Tensor.Cat([Tensor.FromArray(new[] { true }, 1), Tensor.FromArray(new[] { false, true }, 2)]);
        Assert.Equal([1, 0, 1], m.ToDoubleArray());
    }

    [Fact]
    public void StackInsertsANewDimAnywhere()
    {
        var a = Tensor.FromArray(new double[,] { { 1, 2 }, { 3, 4 } });
        var b = Tensor.FromArray(new double[,] { { 5, 6 }, { 7, 8 } });
        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8], Tensor.Stack([a, b]).ToDoubleArray());
        var s1 = Tensor.Stack([a, b], 1);
        Assert.Equal(new Shape(2, 2, 2), s1.Shape);
        Assert.Equal([1, 2, 5, 6, 3, 4, 7, 8], s1.ToDoubleArray());
        var s2 = Tensor.Stack([a, b], -1);
        Assert.Equal([1, 5, 2, 6, 3, 7, 4, 8], s2.ToDoubleArray());
        var ids = Tensor.Stack([Index([1, 2]), Index([3, 4])], 0);
        Assert.Equal(DType.Int64, ids.DType);
        Assert.Equal(new Shape(2, 2), ids.Shape);
        var scalars = Tensor.Stack([Tensor.Scalar(1), Tensor.Scalar(2)]);
        Assert.Equal([1, 2], scalars.ToDoubleArray());
    }

    [Fact]
    public void JoinErrorsNameTheOpAndShapes()
    {
        Assert.Contains("cat: expected a non-empty list of tensors",
            Assert.Throws<ArgumentException>(() => Tensor.Cat([])).Message);
        Assert.Contains("cat: sizes must match except in dim 1: [2, 3] (entry 0) and [3, 3] (entry 1) differ in dim 0",
            Assert.Throws<ArgumentException>(() => Tensor.Cat([Tensor.Zeros(2, 3), Tensor.Zeros(3, 3)], 1)).Message);
        Assert.Contains("cat: tensors must have the same number of dims, got [2, 3] and [2, 3, 1] (entry 1)",
            Assert.Throws<ArgumentException>(() => Tensor.Cat([Tensor.Zeros(2, 3), Tensor.Zeros(2, 3, 1)])).Message);
        Assert.Contains("stack: expected each tensor to be equal size, but got [2, 3] at entry 0 and [2, 4] at entry 1",
            Assert.Throws<ArgumentException>(() => Tensor.Stack([Tensor.Zeros(2, 3), Tensor.Zeros(2, 4)])).Message);
        Assert.Contains("stack: dimension 4 out of range",
            Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Stack([Tensor.Zeros(2, 3)], 4)).Message);
    }

    [Fact]
    public void SplitAndChunkAlongDimZeroAreViews()
    {
        var t = Tensor.Arange(10, DType.Float64).Reshape(5, 2);
        var pieces = t.Split(2);
        Assert.Equal(3, pieces.Length);
        Assert.Equal(new Shape(1, 2), pieces[2].Shape);
        Assert.All(pieces, p => Assert.Same(t.Storage, p.Storage));
        pieces[1].FillInPlace(-1);
        Assert.Equal([0, 1, 2, 3, -1, -1, -1, -1, 8, 9], t.ToDoubleArray());
        var chunks = t.Chunk(2);
        Assert.Equal([3, 2], chunks.Select(c => c.Size(0)));
        Assert.All(chunks, p => Assert.Same(t.Storage, p.Storage));
        var sized = t.Split([1, 4]);
        Assert.Equal([0, 1], sized[0].ToDoubleArray());
        Assert.Same(t.Storage, sized[1].Storage);
    }

    [Fact]
    public void SplitAlongInnerDimCopiesAndMatchesPyTorchCounts()
    {
        var t = Tensor.Arange(12, DType.Float64).Reshape(2, 6);
        var cols = t.Split([1, 2, 3], 1);
        Assert.Equal([0, 6], cols[0].ToDoubleArray());
        Assert.Equal([1, 2, 7, 8], cols[1].ToDoubleArray());
        Assert.Equal([3, 4, 5, 9, 10, 11], cols[2].ToDoubleArray());
        Assert.NotSame(t.Storage, cols[2].Storage);
        // torch.arange(6).chunk(4) gives sizes 2, 2, 2 (three chunks).
        Assert.Equal([2, 2, 2], Tensor.Arange(6).Chunk(4).Select(c => c.Numel));
        Assert.Equal([2, 2, 1], Tensor.Arange(5).Chunk(3).Select(c => c.Numel));
        Assert.Equal(3, Tensor.Zeros(0).Chunk(3).Length);
        Assert.Single(Tensor.Zeros(0).Split(0));
        Assert.Equal([3], Tensor.Arange(3).Split(5).Select(c => c.Numel));
    }

    [Fact]
    public void SelectRemovesTheDim()
    {
        var t = Tensor.Arange(12, DType.Float64).Reshape(3, 4);
        Assert.Equal([4, 5, 6, 7], t.Select(0, 1).ToDoubleArray());
        Assert.Same(t.Storage, t.Select(0, -1).Storage);
        Assert.Equal([3, 7, 11], t.Select(1, -1).ToDoubleArray());
        Assert.Equal("select: index 3 is out of range for dim 0 of size 3.",
            Assert.Throws<IndexOutOfRangeException>(() => t.Select(0, 3)).Message);
    }

    [Fact]
    public void SplitErrors()
    {
        var t = Tensor.Zeros(5, 2);
        Assert.Contains("split_with_sizes: sizes [2, 2] add up to 4, but dim 0 of [5, 2] has size 5",
            Assert.Throws<ArgumentException>(() => t.Split([2, 2])).Message);
        Assert.Contains("split: split size must be positive",
            Assert.Throws<ArgumentOutOfRangeException>(() => t.Split(0)).Message);
        Assert.Contains("chunk: number of chunks must be positive",
            Assert.Throws<ArgumentOutOfRangeException>(() => t.Chunk(0)).Message);
    }

    [Fact]
    public void GradCheckCatAndStack()
    {
        GradCheck.Assert(t => Tensor.Cat([t[0], t[1], t[0]], 1), [Leaf([2, 3]), Leaf([2, 2], 2)]);
        GradCheck.Assert(t => Tensor.Cat([t[0], t[1]], 0), [Leaf([2, 3]), Leaf([1, 3], 2)]);
        GradCheck.Assert(t => Tensor.Stack([t[0], t[1]], 1), [Leaf([2, 3]), Leaf([2, 3], 2)]);
        GradCheck.Assert(t => Tensor.Stack([t[0], t[1], t[0]], 0), [Leaf([2, 3]), Leaf([2, 3], 2)]);
        // Only one input requires grad.
        var constant = Rand([2, 3], DType.Float64, 5);
        GradCheck.Assert(t => Tensor.Cat([constant, t[0]], -1), [Leaf([2, 1])]);
    }

    [Fact]
    public void GradCheckSplitChunkSelect()
    {
        GradCheck.Assert(t => { var p = t[0].Split(2, 1); return p[0] * p[1] + p[2].Sum(); }, [Leaf([3, 6])]);
        GradCheck.Assert(t => { var p = t[0].Chunk(3); return Tensor.Cat([p[2], p[0]]); }, [Leaf([5, 2])]);
        GradCheck.Assert(t => t[0].Select(1, 2) * t[0].Select(0, 0).Sum(), [Leaf([2, 3])]);
    }
}

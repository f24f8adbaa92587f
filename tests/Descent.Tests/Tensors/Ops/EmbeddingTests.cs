using Descent.Tensors;
using Descent.Tensors.Autograd;

namespace Descent.Tests.Tensors.Ops;

public class EmbeddingTests
{
    [Fact]
    public void LooksUpRowsForIndicesOfAnyShape()
    {
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
        {
            var weight = NNTestData.Random(dtype, 1, 7, 3);
            var w = weight.ToDoubleArray();
            var indices = Tensor.FromArray(new long[] { 6, 0, 2, 2, 5, 1 }, 2, 3);
            var y = Tensor.Embedding(weight, indices);
            Assert.Equal(new Shape(2, 3, 3), y.Shape);
            var expected = new[] { 6, 0, 2, 2, 5, 1 }.SelectMany(i => w[(i * 3)..(i * 3 + 3)]);
            Assert.Equal(expected, y.ToDoubleArray());
            Assert.Equal(new Shape(3), Tensor.Embedding(weight, Tensor.FromArray([4L], [])).Shape);
            Assert.Equal(new Shape(0, 3), Tensor.Embedding(weight, Tensor.FromArray(Array.Empty<long>(), 0)).Shape);
        }
    }

    [Fact]
    public void GradientScatterAddsRowsAndSkipsThePaddingRow()
    {
        var weight = NNTestData.Leaf(2, 5, 2);
        var indices = Tensor.FromArray(new long[] { 1, 3, 1, 0, 3, 3 }, 6);
        var g = Tensor.FromArray(new double[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 }, 6, 2);
        var y = Tensor.Embedding(weight, indices, paddingIdx: -2);   // row 3
        Assert.Equal(weight.ToDoubleArray()[6..8], y.ToDoubleArray()[2..4]);   // the padding row is still looked up
        y.Backward(g);
        Assert.Equal([7, 8, 1 + 5, 2 + 6, 0, 0, 0, 0, 0, 0], weight.Grad!.ToDoubleArray());
        GradCheck.Assert(t => Tensor.Embedding(t[0], indices), [NNTestData.Leaf(3, 5, 2)]);
    }

    [Fact]
    public void BadIndicesAreNamedWithTheirPosition()
    {
        var weight = Tensor.Zeros(10, 4);
        var e = Assert.Throws<IndexOutOfRangeException>(() => Tensor.Embedding(weight, Tensor.FromArray(new long[] { 0, 1, 2, 3, 4, 5, 6, 12 }, 2, 4)));
        Assert.Equal("embedding: index 12 at position [1, 3] of indices [2, 4] is out of range for weight [10, 4] (expected 0..9).", e.Message);
        e = Assert.Throws<IndexOutOfRangeException>(() => Tensor.Embedding(weight, Tensor.FromArray(new long[] { -1 }, 1)));
        Assert.Contains("index -1 at position [0]", e.Message);
        var a = Assert.Throws<ArgumentException>(() => Tensor.Embedding(weight, Tensor.Zeros(3)));
        Assert.Contains("embedding: indices must be int64, got float32 [3]", a.Message);
        a = Assert.Throws<ArgumentException>(() => Tensor.Embedding(Tensor.Zeros(10), Tensor.FromArray([1L], 1)));
        Assert.Contains("embedding: weight must be 2-D [num_embeddings, embedding_dim], got [10]", a.Message);
        var r = Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Embedding(weight, Tensor.FromArray([1L], 1), 10));
        Assert.Contains("embedding: padding_idx 10 must be within num_embeddings 10", r.Message);
    }
}

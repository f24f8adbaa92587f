using Descent.Kernels;
using Descent.Tensors;

namespace Descent.Tests.Kernels.Elementwise;

/// <summary>Chunked parallel execution gives bit-identical results to one pass over the whole array.</summary>
[Trait("Category", "Kernels")]
[Collection("KernelConfig")]
public class ParallelElementwiseTests
{
    [Fact]
    public void ChunkedResultsEqualASinglePass()
    {
        int n = ParallelElementwise.Threshold + 3 * ParallelElementwise.ChunkSize + 7;   // a ragged last chunk
        var x = Tensor.Uniform(new Shape(n), -4, 4, DType.Float64, new Generator(3));
        var whole = new double[n];
        default(ErfKernel<double>).Apply(x.Span<double>(), whole);
        Assert.Equal(whole, Tensor.Erf(x).ToArray<double>());

        var g = Tensor.Uniform(new Shape(n), -1, 1, DType.Float32, new Generator(4));
        var y = Tensor.Tanh(g.To(DType.Float32));
        var expected = new float[n];
        default(TanhBackwardKernel<float>).VV(g.Span<float>(), y.Span<float>(), expected);
        var fused = new float[n];
        ParallelElementwise.Binary(g.ToArray<float>(), 0, y.ToArray<float>(), 0, fused, 0, n, default(TanhBackwardKernel<float>));
        Assert.Equal(expected, fused);
    }
}

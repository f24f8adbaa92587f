using Descent.Tensors;
using Descent.Tensors.Autograd;
using static Descent.Tests.Tensors.Ops.OpTestData;

namespace Descent.Tests.Tensors.Ops;

public class LinearTests
{
    /// <summary>y[r, o] = Σ_i x[r, i]·W[o, i] + b[o] with plain loops.</summary>
    private static double[] Naive(double[] x, double[] w, double[]? b, int rows, int inF, int outF)
    {
        var y = new double[rows * outF];
        for (int r = 0; r < rows; r++)
            for (int o = 0; o < outF; o++)
            {
                double s = b?[o] ?? 0;
                for (int i = 0; i < inF; i++) s += x[r * inF + i] * w[o * inF + i];
                y[r * outF + o] = s;
            }
        return y;
    }

    [Theory]
    [InlineData(DType.Float32, true)]
    [InlineData(DType.Float64, true)]
    [InlineData(DType.Float32, false)]
    [InlineData(DType.Float64, false)]
    public void MatchesLoopsFor2DAnd3DInput(DType dtype, bool withBias)
    {
        var w = Rand([5, 7], dtype, 2);
        var b = withBias ? Rand([5], dtype, 3) : null;
        foreach (int[] shape in new[] { new[] { 4, 7 }, [2, 3, 7], [7] })
        {
            var x = Rand(shape, dtype, 1);
            var y = Tensor.Linear(x, w, b);
            int rows = x.Numel / 7;
            Assert.Equal(new Shape([.. shape[..^1], 5]), y.Shape);
            var expected = Naive(x.ToDoubleArray(), w.ToDoubleArray(), b?.ToDoubleArray(), rows, 7, 5);
            var actual = y.ToDoubleArray();
            for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], tolerance: dtype == DType.Float64 ? 1e-12 : 1e-5);
        }
    }

    [Fact]
    public void EqualsMatmulWithTransposedWeightPlusBias()
    {
        var x = Rand([6, 4], DType.Float64, 1);
        var w = Rand([3, 4], DType.Float64, 2);
        var b = Rand([3], DType.Float64, 3);
        var viaOps = (x.Matmul(w.T) + b).ToDoubleArray();
        var fused = Tensor.Linear(x, w, b).ToDoubleArray();
        for (int i = 0; i < fused.Length; i++) Assert.Equal(viaOps[i], fused[i], tolerance: 1e-12);
        Assert.Equal("LinearBackward", Tensor.Linear(x, w.Detach().RequiresGradInPlace()).GradFn!.Name);
    }

    [Fact]
    public void BackwardGivesHandComputedGradients()
    {
        var x = Tensor.FromArray(new double[,] { { 1, 2 }, { 3, 4 } }).RequiresGradInPlace();
        var w = Tensor.FromArray(new double[,] { { 1, 0 }, { 0, 1 }, { 1, 1 } }).RequiresGradInPlace();
        var b = Tensor.FromArray([0.0, 0, 0], 3).RequiresGradInPlace();
        Tensor.Linear(x, w, b).Sum().Backward();
        Assert.Equal([2, 2, 2], b.Grad!.ToDoubleArray());              // rows summed
        Assert.Equal([4, 6, 4, 6, 4, 6], w.Grad!.ToDoubleArray());     // Σ_rows x per output
        Assert.Equal([2, 2, 2, 2], x.Grad!.ToDoubleArray());           // Σ_out W
    }

    [Fact]
    public void ErrorsNameShapes()
    {
        Assert.Equal("linear: [64, 783] @ [10, 784].T: inner dims 783 != 784.",
            Assert.Throws<ArgumentException>(() => Tensor.Linear(Tensor.Zeros(64, 783), Tensor.Zeros(10, 784))).Message);
        Assert.Equal("linear: bias [5] does not match out_features 10 of weight [10, 784].",
            Assert.Throws<ArgumentException>(() => Tensor.Linear(Tensor.Zeros(2, 784), Tensor.Zeros(10, 784), Tensor.Zeros(5))).Message);
        Assert.Contains("linear: weight must be 2-D",
            Assert.Throws<ArgumentException>(() => Tensor.Linear(Tensor.Zeros(2, 3), Tensor.Zeros(3))).Message);
        Assert.Contains("dtypes float64 and float32 differ",
            Assert.Throws<ArgumentException>(() => Tensor.Linear(Tensor.Zeros(new Shape(2, 3), DType.Float64), Tensor.Zeros(4, 3))).Message);
    }

    [Fact]
    public void GradCheckWithAndWithoutBias2DAnd3D()
    {
        GradCheck.Assert(t => Tensor.Linear(t[0], t[1], t[2]), [Leaf([4, 3], 1), Leaf([5, 3], 2), Leaf([5], 3)]);
        GradCheck.Assert(t => Tensor.Linear(t[0], t[1]), [Leaf([4, 3], 1), Leaf([5, 3], 2)]);
        GradCheck.Assert(t => Tensor.Linear(t[0], t[1], t[2]), [Leaf([2, 3, 4], 1), Leaf([2, 4], 2), Leaf([2], 3)]);
        GradCheck.Assert(t => Tensor.Linear(t[0], t[1]), [Leaf([2, 2, 3], 1), Leaf([5, 3], 2)]);
        // First layer: the input needs no gradient.
        var x = Rand([3, 4], DType.Float64, 4);
        GradCheck.Assert(t => Tensor.Linear(x, t[0], t[1]), [Leaf([2, 4], 2), Leaf([2], 3)]);
    }

    [Fact]
    public void AddmmMatchesDefinitionWithBroadcastInput()
    {
        var input = Rand([3], DType.Float64, 1);
        var a = Rand([2, 4], DType.Float64, 2);
        var b = Rand([4, 3], DType.Float64, 3);
        var o = Tensor.Addmm(input, a, b, beta: 0.5, alpha: 2).ToDoubleArray();
        var ab = a.Matmul(b).ToDoubleArray();
        var iv = input.ToDoubleArray();
        for (int r = 0; r < 2; r++)
            for (int c = 0; c < 3; c++)
                Assert.Equal(0.5 * iv[c] + 2 * ab[r * 3 + c], o[r * 3 + c], tolerance: 1e-12);
        // beta = 0 ignores NaN in input.
        var nan = Tensor.Full(new Shape(2, 3), double.NaN, DType.Float64);
        Assert.Equal(ab, Tensor.Addmm(nan, a, b, beta: 0).ToDoubleArray());
        Assert.Contains("addmm: input [4] cannot be broadcast to the product's shape [2, 3]",
            Assert.Throws<ArgumentException>(() => Tensor.Addmm(Rand([4]), a, b)).Message);
        Assert.Equal("addmm: [2, 4] @ [3, 3]: inner dims 4 != 3.",
            Assert.Throws<ArgumentException>(() => Tensor.Addmm(Rand([3]), a, Rand([3, 3]))).Message);
    }

    [Fact]
    public void GradCheckAddmm()
    {
        GradCheck.Assert(t => Tensor.Addmm(t[0], t[1], t[2], 0.5, 2), [Leaf([2, 3], 1), Leaf([2, 4], 2), Leaf([4, 3], 3)]);
        GradCheck.Assert(t => Tensor.Addmm(t[0], t[1], t[2]), [Leaf([3], 1), Leaf([2, 4], 2), Leaf([4, 3], 3)]);
        GradCheck.Assert(t => Tensor.Addmm(t[0], t[1], t[2], 0), [Leaf([2, 1], 1), Leaf([2, 4], 2), Leaf([4, 3], 3)]);
    }
}

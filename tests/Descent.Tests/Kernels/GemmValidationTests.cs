using Descent.Kernels;

namespace Descent.Tests.Kernels;

/// <summary>Argument validation: wrong dimensions, strides and span lengths are rejected with useful messages.</summary>
[Trait("Category", "Kernels")]
public class GemmValidationTests
{
    private static void Call(bool ta = false, bool tb = false, int m = 2, int n = 3, int k = 4, int? lda = null,
        int? ldb = null, int ldc = 3, int? aLen = null, int? bLen = null, int cLen = 6)
    {
        int la = lda ?? (ta ? m : k), lb = ldb ?? (tb ? k : n);
        Gemm.Sgemm(ta, tb, m, n, k, 1f, new float[aLen ?? 8], la, new float[bLen ?? 12], lb, 0f, new float[cLen], ldc);
    }

    [Theory]
    [InlineData("m")]
    [InlineData("n")]
    [InlineData("k")]
    public void NegativeDimensionIsRejected(string which)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() =>
            Call(m: which == "m" ? -1 : 2, n: which == "n" ? -1 : 3, k: which == "k" ? -1 : 4));
        Assert.Equal(which, e.ParamName);
        Assert.Contains("-1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StrideShorterThanRowIsRejected()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Call(lda: 3));
        Assert.Equal("lda", e.ParamName);
        Assert.Contains("lda (3)", e.Message, StringComparison.Ordinal);
        Assert.Contains("A is 2×4", e.Message, StringComparison.Ordinal);

        // With transB, B is stored n×k = 3×4, so ldb must be at least k = 4.
        e = Assert.Throws<ArgumentOutOfRangeException>(() => Call(tb: true, ldb: 3));
        Assert.Equal("ldb", e.ParamName);
        Assert.Contains("B is 3×4 (transB is set)", e.Message, StringComparison.Ordinal);

        e = Assert.Throws<ArgumentOutOfRangeException>(() => Call(ldc: 2));
        Assert.Equal("ldc", e.ParamName);
    }

    [Fact]
    public void ShortSpansAreRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => Call(aLen: 7));
        Assert.Equal("a", e.ParamName);
        Assert.Contains("a has 7 elements", e.Message, StringComparison.Ordinal);
        Assert.Contains("needs at least 8", e.Message, StringComparison.Ordinal);

        e = Assert.Throws<ArgumentException>(() => Call(bLen: 11));
        Assert.Equal("b", e.ParamName);

        e = Assert.Throws<ArgumentException>(() => Call(cLen: 5));
        Assert.Equal("c", e.ParamName);

        // Padded stride: the last row needs only its logical length, not a whole stride.
        Call(ta: true, lda: 5, aLen: 3 * 5 + 2);
        e = Assert.Throws<ArgumentException>(() => Call(ta: true, lda: 5, aLen: 3 * 5 + 1));
        Assert.Contains("transA is set", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DoubleEntryPointValidatesToo()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            Gemm.Dgemm(false, false, 2, 2, 2, 1.0, new double[3], 2, new double[4], 2, 0.0, new double[4], 2));
        Assert.Equal("a", e.ParamName);
    }
}

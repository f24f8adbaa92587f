using Descent.Kernels.LinearAlgebra;

namespace Descent.Tests.Kernels.LinearAlgebra;

[Trait("Category", "Kernels")]
public class HouseholderQrTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 3)]
    [InlineData(7, 4)]
    [InlineData(40, 13)]
    public void QIsOrthonormalAndQTransposeAIsUpperTriangularWithRDiagonal(int m, int n)
    {
        var rng = new Random(m * 100 + n);
        var a = new double[m * n];
        for (int i = 0; i < a.Length; i++) a[i] = rng.NextDouble() * 2 - 1;
        var original = (double[])a.Clone();
        var q = new double[m * n];
        var d = new double[n];
        HouseholderQr.Decompose(a, m, n, q, d);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                double dot = 0;
                for (int k = 0; k < m; k++) dot += q[k * n + i] * q[k * n + j];
                Assert.Equal(i == j ? 1.0 : 0.0, dot, 1e-12);
            }
        // R = Qᵀ A must be upper triangular with the reported diagonal.
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                double r = 0;
                for (int k = 0; k < m; k++) r += q[k * n + i] * original[k * n + j];
                if (i > j) Assert.Equal(0.0, r, 1e-12);
                if (i == j) Assert.Equal(d[i], r, 1e-12);
            }
    }

    [Fact]
    public void ZeroColumnGivesZeroDiagonal()
    {
        var a = new double[] { 0, 1, 0, 2, 0, 3 }; // 3×2, first column zero
        var q = new double[6];
        var d = new double[2];
        HouseholderQr.Decompose(a, 3, 2, q, d);
        Assert.Equal(0.0, d[0]);
        // No reflection for the zero column, so Q₀ = e₀ and R₁₁ is the norm of the rest of column 1.
        Assert.Equal(Math.Sqrt(13), Math.Abs(d[1]), 1e-12);
    }

    [Fact]
    public void RejectsWideMatrices() => Assert.Throws<DescentInternalException>(() => HouseholderQr.Decompose(new double[6], 2, 3, new double[6], new double[3]));
}

using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace Descent.Tuning;

/// <summary>
/// Small dense linear algebra for the samplers (GP kernel matrices, CMA-ES covariances), on row-major
/// <c>double[]</c> buffers. Inner loops are contiguous dot products (<c>TensorPrimitives.Dot</c>),
/// which keeps an n = 200 Cholesky and inverse near a millisecond. Not thread-safe on shared buffers.
/// </summary>
internal static class DenseLinearAlgebra
{
    /// <summary>
    /// Cholesky factor A = L·Lᵀ of a symmetric positive definite n×n matrix (only its lower triangle is
    /// read). Writes L (lower, zeros above the diagonal) into <paramref name="l"/>; returns false when a
    /// pivot is not positive (the matrix is not numerically positive definite).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryCholesky(ReadOnlySpan<double> a, int n, Span<double> l)
    {
        for (int i = 0; i < n; i++)
        {
            var li = l.Slice(i * n, n);
            for (int j = 0; j < i; j++)
            {
                double s = a[i * n + j] - TensorPrimitives.Dot(li[..j], l.Slice(j * n, j));
                li[j] = s / l[j * n + j];
            }
            double d = a[i * n + i] - TensorPrimitives.Dot(li[..i], li[..i]);
            if (!(d > 0) || !double.IsFinite(d)) return false;
            li[i] = Math.Sqrt(d);
            li[(i + 1)..].Clear();
        }
        return true;
    }

    /// <summary>
    /// Cholesky with jitter: on failure, adds 1e-10·mean(diag) to the diagonal and retries, growing the
    /// jitter tenfold up to 1e-2·mean(diag) (the standard remedy for kernel matrices that are PSD only up to
    /// rounding). Returns the jitter used, or NaN when even the largest failed.
    /// </summary>
    public static double CholeskyWithJitter(Span<double> a, int n, Span<double> l)
    {
        if (TryCholesky(a, n, l)) return 0;
        double mean = 0;
        for (int i = 0; i < n; i++) mean += a[i * n + i];
        mean = Math.Max(mean / Math.Max(n, 1), 1e-300);
        double added = 0;
        for (double jitter = 1e-10 * mean; jitter <= 1e-2 * mean * 1.0000001; jitter *= 10)
        {
            for (int i = 0; i < n; i++) a[i * n + i] += jitter - added;
            added = jitter;
            if (TryCholesky(a, n, l)) return jitter;
        }
        for (int i = 0; i < n; i++) a[i * n + i] -= added;
        return double.NaN;
    }

    /// <summary>
    /// Inverse of a lower-triangular L, stored transposed: <paramref name="linvT"/>[j·n + k] = (L⁻¹)[k, j]
    /// (row j holds column j of L⁻¹, non-zero for k ≥ j). Rows are contiguous, so both the product
    /// L⁻ᵀL⁻¹ and posterior variances are contiguous dot products.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void InvertLowerTransposed(ReadOnlySpan<double> l, int n, Span<double> linvT)
    {
        linvT[..(n * n)].Clear();
        for (int j = 0; j < n; j++)
        {
            var tj = linvT.Slice(j * n, n);
            tj[j] = 1 / l[j * n + j];
            for (int i = j + 1; i < n; i++)
            {
                // (L⁻¹)[i, j] = −Σ_{k=j}^{i−1} L[i, k]·(L⁻¹)[k, j] / L[i, i]
                double s = TensorPrimitives.Dot(l.Slice(i * n + j, i - j), tj.Slice(j, i - j));
                tj[i] = -s / l[i * n + i];
            }
        }
    }

    /// <summary>A⁻¹ = L⁻ᵀ·L⁻¹ from the transposed inverse factor of <see cref="InvertLowerTransposed"/> (full symmetric result).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void InverseFromFactor(ReadOnlySpan<double> linvT, int n, Span<double> inverse)
    {
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++)
            {
                // (A⁻¹)[i, j] = Σ_{k ≥ i} (L⁻¹)[k, i]·(L⁻¹)[k, j]
                double s = TensorPrimitives.Dot(linvT.Slice(i * n + i, n - i), linvT.Slice(j * n + i, n - i));
                inverse[i * n + j] = s;
                inverse[j * n + i] = s;
            }
    }

    /// <summary>Solves L·x = b in place (L lower-triangular, row-major).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SolveLower(ReadOnlySpan<double> l, int n, Span<double> b)
    {
        for (int i = 0; i < n; i++)
            b[i] = (b[i] - TensorPrimitives.Dot(l.Slice(i * n, i), b[..i])) / l[i * n + i];
    }

    /// <summary>Solves Lᵀ·x = b in place (L lower-triangular, row-major).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SolveLowerTransposed(ReadOnlySpan<double> l, int n, Span<double> b)
    {
        for (int i = n - 1; i >= 0; i--)
        {
            double s = b[i];
            for (int k = i + 1; k < n; k++) s -= l[k * n + i] * b[k];
            b[i] = s / l[i * n + i];
        }
    }

    /// <summary>
    /// Eigen-decomposition of a symmetric n×n matrix by the cyclic Jacobi method (Golub &amp; Van Loan,
    /// Matrix Computations §8.5): accurate to rounding for the small, well-scaled matrices of CMA-ES.
    /// <paramref name="eigenvectors"/> receives the eigenvectors as columns (row-major n×n).
    /// </summary>
    public static void SymmetricEigen(ReadOnlySpan<double> a, int n, Span<double> eigenvalues, Span<double> eigenvectors)
    {
        var m = a[..(n * n)].ToArray();
        eigenvectors[..(n * n)].Clear();
        for (int i = 0; i < n; i++) eigenvectors[i * n + i] = 1;
        for (int sweep = 0; sweep < 100; sweep++)
        {
            double off = 0, diag = 0;
            for (int i = 0; i < n; i++)
            {
                diag += m[i * n + i] * m[i * n + i];
                for (int j = i + 1; j < n; j++) off += m[i * n + j] * m[i * n + j];
            }
            if (off <= 1e-30 * diag || off == 0) break;
            for (int p = 0; p < n; p++)
                for (int q = p + 1; q < n; q++)
                {
                    double apq = m[p * n + q];
                    if (apq == 0) continue;
                    double app = m[p * n + p], aqq = m[q * n + q];
                    double theta = (aqq - app) / (2 * apq);
                    double t = Math.Sign(theta == 0 ? 1 : theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
                    double c = 1 / Math.Sqrt(t * t + 1), s = t * c;
                    for (int k = 0; k < n; k++)
                    {
                        double mkp = m[k * n + p], mkq = m[k * n + q];
                        m[k * n + p] = c * mkp - s * mkq;
                        m[k * n + q] = s * mkp + c * mkq;
                    }
                    for (int k = 0; k < n; k++)
                    {
                        double mpk = m[p * n + k], mqk = m[q * n + k];
                        m[p * n + k] = c * mpk - s * mqk;
                        m[q * n + k] = s * mpk + c * mqk;
                    }
                    for (int k = 0; k < n; k++)
                    {
                        double vkp = eigenvectors[k * n + p], vkq = eigenvectors[k * n + q];
                        eigenvectors[k * n + p] = c * vkp - s * vkq;
                        eigenvectors[k * n + q] = s * vkp + c * vkq;
                    }
                }
        }
        for (int i = 0; i < n; i++) eigenvalues[i] = m[i * n + i];
    }
}

namespace Descent.Kernels.LinearAlgebra;

/// <summary>
/// Thin QR decomposition A = QR of a row-major m×n matrix with m ≥ n by Householder reflections, in double
/// (Golub &amp; Van Loan, Matrix Computations, Alg. 5.2.1). Used by orthogonal initialisation.
/// </summary>
public static class HouseholderQr
{
    /// <summary>
    /// Decomposes <paramref name="a"/> (m×n, row-major, m ≥ n; overwritten) into Q (m×n, orthonormal columns,
    /// written to <paramref name="q"/>) and the diagonal of R (<paramref name="rDiagonal"/>, length n).
    /// </summary>
    public static void Decompose(Span<double> a, int m, int n, Span<double> q, Span<double> rDiagonal)
    {
        if (m < n) throw new DescentInternalException($"HouseholderQr: needs rows ≥ columns, got {m}×{n}.");
        if (a.Length < m * n || q.Length < m * n || rDiagonal.Length < n)
            throw new DescentInternalException($"HouseholderQr: buffers too small for a {m}×{n} matrix.");
        var v = new double[m * n]; // column k holds the k-th reflector (zero above row k)
        for (int k = 0; k < n; k++)
        {
            double norm = 0;
            for (int i = k; i < m; i++) norm += a[i * n + k] * a[i * n + k];
            norm = Math.Sqrt(norm);
            if (norm == 0)
            {
                rDiagonal[k] = 0;
                continue;
            }
            // alpha = −sign(x₀)·‖x‖ avoids cancellation in x₀ − alpha.
            double alpha = a[k * n + k] > 0 ? -norm : norm;
            double vnorm = 0;
            for (int i = k; i < m; i++)
            {
                double vi = a[i * n + k] - (i == k ? alpha : 0);
                v[i * n + k] = vi;
                vnorm += vi * vi;
            }
            vnorm = Math.Sqrt(vnorm);
            for (int i = k; i < m; i++) v[i * n + k] /= vnorm;
            // A[k:, k:] −= 2·v·(vᵀ·A[k:, k:])
            for (int j = k; j < n; j++)
            {
                double dot = 0;
                for (int i = k; i < m; i++) dot += v[i * n + k] * a[i * n + j];
                for (int i = k; i < m; i++) a[i * n + j] -= 2 * v[i * n + k] * dot;
            }
            rDiagonal[k] = a[k * n + k];
        }
        // Q = H₀·H₁·…·H_{n−1}·I[:, :n], applied right to left.
        q[..(m * n)].Clear();
        for (int i = 0; i < n; i++) q[i * n + i] = 1;
        for (int k = n - 1; k >= 0; k--)
        {
            for (int j = 0; j < n; j++)
            {
                double dot = 0;
                for (int i = k; i < m; i++) dot += v[i * n + k] * q[i * n + j];
                if (dot == 0) continue;
                for (int i = k; i < m; i++) q[i * n + j] -= 2 * v[i * n + k] * dot;
            }
        }
    }
}

using System.Numerics;

namespace Descent.Kernels;

/// <summary>
/// The scalar pieces around the micro-kernels: merging a partial tile computed into a scratch buffer
/// (when C's last columns do not fill a whole vector), and C = beta·C when there is no product to add.
/// </summary>
internal static unsafe class GemmEdge<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>
    /// C[rows × cols] = alpha·tile + beta·C (C not read when beta == 0). Same rounding steps as
    /// <see cref="GemmVector.Store{T}(T*, System.Runtime.Intrinsics.Vector512{T}, System.Runtime.Intrinsics.Vector512{T}, System.Runtime.Intrinsics.Vector512{T}, bool)"/>:
    /// t = alpha·acc, then fma(beta, C, t).
    /// </summary>
    public static void Merge(int rows, int cols, T* tile, nint ldt, T* c, nint ldc, T alpha, T beta)
    {
        bool readC = !T.IsZero(beta);
        for (int i = 0; i < rows; i++, tile += ldt, c += ldc)
        {
            for (int j = 0; j < cols; j++)
            {
                T t = tile[j] * alpha;
                c[j] = readC ? T.FusedMultiplyAdd(beta, c[j], t) : t;
            }
        }
    }

    /// <summary>C = beta·C; beta == 0 writes zeros without reading C (BLAS semantics: NaN in C does not survive).</summary>
    public static void Scale(int m, int n, T* c, nint ldc, T beta)
    {
        if (beta == T.One)
            return;
        bool zero = T.IsZero(beta);
        for (int i = 0; i < m; i++, c += ldc)
        {
            var row = new Span<T>(c, n);
            if (zero)
                row.Clear();
            else
                for (int j = 0; j < row.Length; j++)
                    row[j] *= beta;
        }
    }
}

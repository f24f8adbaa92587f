using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Descent.Kernels;

/// <summary>
/// Vector512 tiles laid along M, for a narrow C (n below one vector, e.g. the 10 outputs of a classifier)
/// when op(A) is stored k-major (transA: the weight gradient Xᵀ·dY). The row kernels vectorise along n and
/// would leave 6 of 16 lanes idle for n = 10; here each k step loads two vectors of A (32 consecutive rows
/// of C) and broadcasts the n elements of B's row p, so every lane does useful work. The accumulators hold
/// columns of C, so the epilogue transposes them through a small scratch block (one 16×16 register
/// transpose per 16 rows) and writes each C row with a lane mask. Per element it is the same arithmetic
/// as the row kernels: an FMA chain over p, then t = alpha·acc and fma(beta, C, t).
/// </summary>
internal static unsafe class GemmKernel512Columns<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Rows of C per tile: two vectors.</summary>
    public static int Rows => 2 * Vector512<T>.Count;

    /// <summary>Widest C this path takes: fewer columns than a vector holds, at most 12 accumulator pairs.</summary>
    public static int MaxColumns => Math.Min(12, Vector512<T>.Count - 1);

    /// <summary>
    /// C[rows × cols] = alpha·A·B + beta·C (C not read when beta == 0) for rows ≤ <see cref="Rows"/> and
    /// cols ≤ <see cref="MaxColumns"/>, where A(i, p) = a[p·lda + i] and B(p, j) = b[p·ldb + j].
    /// </summary>
    public static void Tile(int rows, int cols, int kc, T* a, nint lda, T* b, nint ldb, T* c, nint ldc, T alpha, T beta)
    {
        switch (cols)
        {
            case 12: Kernel<GemmD12>(rows, kc, a, lda, b, ldb, c, ldc, alpha, beta); break;
            case 11: Kernel<GemmD11>(rows, kc, a, lda, b, ldb, c, ldc, alpha, beta); break;
            case 10: Kernel<GemmD10>(rows, kc, a, lda, b, ldb, c, ldc, alpha, beta); break;
            case 9: Kernel<GemmD9>(rows, kc, a, lda, b, ldb, c, ldc, alpha, beta); break;
            case 8: Kernel<GemmD8>(rows, kc, a, lda, b, ldb, c, ldc, alpha, beta); break;
            case 7: Kernel<GemmD7>(rows, kc, a, lda, b, ldb, c, ldc, alpha, beta); break;
            case 6: Kernel<GemmD6>(rows, kc, a, lda, b, ldb, c, ldc, alpha, beta); break;
            case 5: Kernel<GemmD5>(rows, kc, a, lda, b, ldb, c, ldc, alpha, beta); break;
            case 4: Kernel<GemmD4>(rows, kc, a, lda, b, ldb, c, ldc, alpha, beta); break;
            case 3: Kernel<GemmD3>(rows, kc, a, lda, b, ldb, c, ldc, alpha, beta); break;
            case 2: Kernel<GemmD2>(rows, kc, a, lda, b, ldb, c, ldc, alpha, beta); break;
            default: Kernel<GemmD1>(rows, kc, a, lda, b, ldb, c, ldc, alpha, beta); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    private static void Kernel<TC>(int rows, int kc, T* a, nint lda, T* b, nint ldb, T* c, nint ldc, T alpha, T beta)
        where TC : struct, IGemmDim
    {
        int lanes = Vector512<T>.Count;
        // Masked loads never touch rows past the end of A (the last tile may be partial).
        var m0 = GemmVector.TailMask<T>(Math.Min(rows, lanes));
        var m1 = GemmVector.TailMask<T>(Math.Clamp(rows - lanes, 0, lanes));
        Vector512<T> c0_0 = default, c1_0 = default;
        Vector512<T> c0_1 = default, c1_1 = default;
        Vector512<T> c0_2 = default, c1_2 = default;
        Vector512<T> c0_3 = default, c1_3 = default;
        Vector512<T> c0_4 = default, c1_4 = default;
        Vector512<T> c0_5 = default, c1_5 = default;
        Vector512<T> c0_6 = default, c1_6 = default;
        Vector512<T> c0_7 = default, c1_7 = default;
        Vector512<T> c0_8 = default, c1_8 = default;
        Vector512<T> c0_9 = default, c1_9 = default;
        Vector512<T> c0_10 = default, c1_10 = default;
        Vector512<T> c0_11 = default, c1_11 = default;
        for (int p = 0; p < kc; p++, a += lda, b += ldb)
        {
            var a0 = MaskLoad(a, m0);
            var a1 = MaskLoad(a + lanes, m1);
            if (TC.N > 0)
            {
                var b0 = Vector512.Create(b[0]);
                c0_0 = GemmVector.Fma(a0, b0, c0_0);
                c1_0 = GemmVector.Fma(a1, b0, c1_0);
            }
            if (TC.N > 1)
            {
                var b1 = Vector512.Create(b[1]);
                c0_1 = GemmVector.Fma(a0, b1, c0_1);
                c1_1 = GemmVector.Fma(a1, b1, c1_1);
            }
            if (TC.N > 2)
            {
                var b2 = Vector512.Create(b[2]);
                c0_2 = GemmVector.Fma(a0, b2, c0_2);
                c1_2 = GemmVector.Fma(a1, b2, c1_2);
            }
            if (TC.N > 3)
            {
                var b3 = Vector512.Create(b[3]);
                c0_3 = GemmVector.Fma(a0, b3, c0_3);
                c1_3 = GemmVector.Fma(a1, b3, c1_3);
            }
            if (TC.N > 4)
            {
                var b4 = Vector512.Create(b[4]);
                c0_4 = GemmVector.Fma(a0, b4, c0_4);
                c1_4 = GemmVector.Fma(a1, b4, c1_4);
            }
            if (TC.N > 5)
            {
                var b5 = Vector512.Create(b[5]);
                c0_5 = GemmVector.Fma(a0, b5, c0_5);
                c1_5 = GemmVector.Fma(a1, b5, c1_5);
            }
            if (TC.N > 6)
            {
                var b6 = Vector512.Create(b[6]);
                c0_6 = GemmVector.Fma(a0, b6, c0_6);
                c1_6 = GemmVector.Fma(a1, b6, c1_6);
            }
            if (TC.N > 7)
            {
                var b7 = Vector512.Create(b[7]);
                c0_7 = GemmVector.Fma(a0, b7, c0_7);
                c1_7 = GemmVector.Fma(a1, b7, c1_7);
            }
            if (TC.N > 8)
            {
                var b8 = Vector512.Create(b[8]);
                c0_8 = GemmVector.Fma(a0, b8, c0_8);
                c1_8 = GemmVector.Fma(a1, b8, c1_8);
            }
            if (TC.N > 9)
            {
                var b9 = Vector512.Create(b[9]);
                c0_9 = GemmVector.Fma(a0, b9, c0_9);
                c1_9 = GemmVector.Fma(a1, b9, c1_9);
            }
            if (TC.N > 10)
            {
                var b10 = Vector512.Create(b[10]);
                c0_10 = GemmVector.Fma(a0, b10, c0_10);
                c1_10 = GemmVector.Fma(a1, b10, c1_10);
            }
            if (TC.N > 11)
            {
                var b11 = Vector512.Create(b[11]);
                c0_11 = GemmVector.Fma(a0, b11, c0_11);
                c1_11 = GemmVector.Fma(a1, b11, c1_11);
            }
        }

        // Column j of the tile goes to scratch row j (two vectors); unused rows stay garbage and only
        // reach lanes the masked row stores below leave alone.
        T* cols = stackalloc T[2 * lanes * lanes];
        if (TC.N > 0)
        {
            c0_0.Store(cols + 0 * 2 * lanes);
            c1_0.Store(cols + 0 * 2 * lanes + lanes);
        }
        if (TC.N > 1)
        {
            c0_1.Store(cols + 1 * 2 * lanes);
            c1_1.Store(cols + 1 * 2 * lanes + lanes);
        }
        if (TC.N > 2)
        {
            c0_2.Store(cols + 2 * 2 * lanes);
            c1_2.Store(cols + 2 * 2 * lanes + lanes);
        }
        if (TC.N > 3)
        {
            c0_3.Store(cols + 3 * 2 * lanes);
            c1_3.Store(cols + 3 * 2 * lanes + lanes);
        }
        if (TC.N > 4)
        {
            c0_4.Store(cols + 4 * 2 * lanes);
            c1_4.Store(cols + 4 * 2 * lanes + lanes);
        }
        if (TC.N > 5)
        {
            c0_5.Store(cols + 5 * 2 * lanes);
            c1_5.Store(cols + 5 * 2 * lanes + lanes);
        }
        if (TC.N > 6)
        {
            c0_6.Store(cols + 6 * 2 * lanes);
            c1_6.Store(cols + 6 * 2 * lanes + lanes);
        }
        if (TC.N > 7)
        {
            c0_7.Store(cols + 7 * 2 * lanes);
            c1_7.Store(cols + 7 * 2 * lanes + lanes);
        }
        if (TC.N > 8)
        {
            c0_8.Store(cols + 8 * 2 * lanes);
            c1_8.Store(cols + 8 * 2 * lanes + lanes);
        }
        if (TC.N > 9)
        {
            c0_9.Store(cols + 9 * 2 * lanes);
            c1_9.Store(cols + 9 * 2 * lanes + lanes);
        }
        if (TC.N > 10)
        {
            c0_10.Store(cols + 10 * 2 * lanes);
            c1_10.Store(cols + 10 * 2 * lanes + lanes);
        }
        if (TC.N > 11)
        {
            c0_11.Store(cols + 11 * 2 * lanes);
            c1_11.Store(cols + 11 * 2 * lanes + lanes);
        }
        Merge(rows, TC.N, cols, c, ldc, alpha, beta);
    }

    // Transposes the column-major scratch block 16 (or 8) rows at a time and writes C row by row.
    [SkipLocalsInit]
    private static void Merge(int rows, int cols, T* scratch, T* c, nint ldc, T alpha, T beta)
    {
        int lanes = Vector512<T>.Count;
        T* rowsOut = stackalloc T[lanes * lanes];
        var va = Vector512.Create(alpha);
        var vb = Vector512.Create(beta);
        bool readC = !T.IsZero(beta);
        var mask = GemmVector.TailMask<T>(cols);
        for (int half = 0; half * lanes < rows; half++)
        {
            if (typeof(T) == typeof(float))
                GemmTranspose.Transpose16x16((float*)(scratch + half * lanes), 2 * lanes, (float*)rowsOut, lanes);
            else
                GemmTranspose.Transpose8x8((double*)(scratch + half * lanes), 2 * lanes, (double*)rowsOut, lanes);
            int n = Math.Min(lanes, rows - half * lanes);
            T* cRow = c + half * lanes * ldc;
            for (int r = 0; r < n; r++, cRow += ldc)
                GemmVector.StoreMasked(cRow, Vector512.Load(rowsOut + r * lanes), va, vb, readC, mask);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> MaskLoad(T* src, Vector512<T> mask)
    {
        if (typeof(T) == typeof(float))
            return Avx512F.MaskLoad((float*)src, mask.AsSingle(), Vector512<float>.Zero).As<float, T>();
        return Avx512F.MaskLoad((double*)src, mask.AsDouble(), Vector512<double>.Zero).As<double, T>();
    }
}

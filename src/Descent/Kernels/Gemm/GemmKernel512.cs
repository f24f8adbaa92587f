using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Descent.Kernels;

/// <summary>
/// Vector512 FMA micro-kernel family: C tile = alpha·(A sliver · packed B panel) + beta·C.
/// </summary>
/// <remarks>
/// Register tile 6 rows × 4 zmm (6×64 floats, 6×32 doubles): 24 accumulators + 4 B vectors + 1 broadcast
/// of the 32 zmm registers. Per k step it issues 4 vector loads of packed B, 6 broadcasts of A and 24 FMAs,
/// so the two 512-bit FMA pipes of Zen 5 stay busy while the load ports have slack (the BLIS "rv" shape:
/// Van Zee and van de Geijn, "BLIS: A Framework for Rapidly Instantiating BLAS Functionality", TOMS 2015).
/// In L1 on Zen 5 it runs at the same ~215 GFLOP/s as a 12×32 tile, but needs only 6 A row pointers, which
/// lets A be read in place with any row/column stride (see <see cref="GemmDriver{T, TK}"/>).
/// A last vector that is only partly inside C is loaded and stored with an AVX-512 lane mask, which
/// neither reads nor writes the lanes outside, so no scratch tile is needed at the right edge.
/// </remarks>
internal readonly unsafe struct GemmKernel512<T> : IGemmKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Mr => 6;

    public static int Lanes => Vector512<T>.Count;

    public static int MaxVectors => 4;

    public static SimdLevel Level => SimdLevel.Vector512;

    public static bool MaskedTail => true;

    // Narrow panels get taller tiles (24 accumulators, see GemmKernel512Narrow). With a general row stride
    // only the 12×1 shape fits its row pointers in the general registers.
    public static int RowsFor(int vectors, bool unitRowStride) => vectors switch
    {
        1 => unitRowStride ? 24 : 12,
        2 => unitRowStride ? 12 : 6,
        _ => 6,
    };

    public static void Tile(int rows, int vectors, int tail, int kc, T* a, nint rsa, nint csa, T* b, nint ldbp, T* c,
        nint ldc, T alpha, T beta)
    {
        bool partial = tail < Vector512<T>.Count;
        var mask = partial ? GemmVector.TailMask<T>(tail) : default;
        if (vectors == 1 && rows == 24 && rsa == 1)
            GemmKernel512Narrow<T>.Tile24x1(kc, a, csa, b, ldbp, c, ldc, alpha, beta, mask, partial);
        else if (vectors == 2 && rows == 12 && rsa == 1)
            GemmKernel512Narrow<T>.Tile12x2(kc, a, csa, b, ldbp, c, ldc, alpha, beta, mask, partial);
        else if (vectors == 1 && rows == 12)
            GemmKernel512Narrow<T>.Tile12x1(kc, a, rsa, csa, b, ldbp, c, ldc, alpha, beta, mask, partial);
        else
        {
            for (; rows > 0; rows -= 6, a += 6 * rsa, c += 6 * ldc)
                Sliver(Math.Min(rows, 6), vectors, kc, a, rsa, csa, b, ldbp, c, ldc, alpha, beta, mask, partial);
        }
    }

    private static void Sliver(int rows, int vectors, int kc, T* a, nint rsa, nint csa, T* b, nint ldbp, T* c, nint ldc,
        T alpha, T beta, Vector512<T> mask, bool partial)
    {
        switch (vectors)
        {
            case 4: Rows<GemmD4>(rows, kc, a, rsa, csa, b, ldbp, c, ldc, alpha, beta, mask, partial); break;
            case 3: Rows<GemmD3>(rows, kc, a, rsa, csa, b, ldbp, c, ldc, alpha, beta, mask, partial); break;
            case 2: Rows<GemmD2>(rows, kc, a, rsa, csa, b, ldbp, c, ldc, alpha, beta, mask, partial); break;
            default: Rows<GemmD1>(rows, kc, a, rsa, csa, b, ldbp, c, ldc, alpha, beta, mask, partial); break;
        }
    }

    private static void Rows<TW>(int rows, int kc, T* a, nint rsa, nint csa, T* b, nint ldbp, T* c, nint ldc, T alpha, T beta,
        Vector512<T> mask, bool partial) where TW : struct, IGemmDim
    {
        switch (rows)
        {
            case 6: Kernel<GemmD6, TW>(kc, a, rsa, csa, b, ldbp, c, ldc, alpha, beta, mask, partial); break;
            case 5: Kernel<GemmD5, TW>(kc, a, rsa, csa, b, ldbp, c, ldc, alpha, beta, mask, partial); break;
            case 4: Kernel<GemmD4, TW>(kc, a, rsa, csa, b, ldbp, c, ldc, alpha, beta, mask, partial); break;
            case 3: Kernel<GemmD3, TW>(kc, a, rsa, csa, b, ldbp, c, ldc, alpha, beta, mask, partial); break;
            case 2: Kernel<GemmD2, TW>(kc, a, rsa, csa, b, ldbp, c, ldc, alpha, beta, mask, partial); break;
            default: Kernel<GemmD1, TW>(kc, a, rsa, csa, b, ldbp, c, ldc, alpha, beta, mask, partial); break;
        }
    }

    // The accumulators are named locals, not an array, so the JIT keeps all of them in registers;
    // TR/TW are constants per specialisation, so every `if` on them is resolved at JIT time.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel<TR, TW>(int kc, T* a, nint rsa, nint csa, T* b, nint ldbp, T* c, nint ldc, T alpha, T beta,
        Vector512<T> mask, bool partial)
        where TR : struct, IGemmDim where TW : struct, IGemmDim
    {
        nint lanes = Vector512<T>.Count;
        if (Sse.IsSupported)
        {
            // Start pulling the C tile in now; it is only read after the k loop, and a miss there stalls.
            for (int r = 0; r < TR.N; r++)
                for (int v = 0; v < TW.N; v++)
                    Sse.Prefetch0(c + r * ldc + v * lanes);
        }
        Vector512<T> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector512<T> c10 = default, c11 = default, c12 = default, c13 = default;
        Vector512<T> c20 = default, c21 = default, c22 = default, c23 = default;
        Vector512<T> c30 = default, c31 = default, c32 = default, c33 = default;
        Vector512<T> c40 = default, c41 = default, c42 = default, c43 = default;
        Vector512<T> c50 = default, c51 = default, c52 = default, c53 = default;
        T* a0 = a;
        T* a1 = a0 + (TR.N > 1 ? rsa : 0);
        T* a2 = a1 + (TR.N > 2 ? rsa : 0);
        T* a3 = a2 + (TR.N > 3 ? rsa : 0);
        T* a4 = a3 + (TR.N > 4 ? rsa : 0);
        T* a5 = a4 + (TR.N > 5 ? rsa : 0);
        nint off = 0;
        int p = 0;
        for (; p + 1 < kc; p += 2)
        {
            var b0 = Vector512.Load(b);
            var b1 = TW.N > 1 ? Vector512.Load(b + 1 * lanes) : default;
            var b2 = TW.N > 2 ? Vector512.Load(b + 2 * lanes) : default;
            var b3 = TW.N > 3 ? Vector512.Load(b + 3 * lanes) : default;
            var a0v = Vector512.Create(a0[off]);
            c00 = GemmVector.Fma(a0v, b0, c00);
            if (TW.N > 1) c01 = GemmVector.Fma(a0v, b1, c01);
            if (TW.N > 2) c02 = GemmVector.Fma(a0v, b2, c02);
            if (TW.N > 3) c03 = GemmVector.Fma(a0v, b3, c03);
            if (TR.N > 1)
            {
                var a1v = Vector512.Create(a1[off]);
                c10 = GemmVector.Fma(a1v, b0, c10);
                if (TW.N > 1) c11 = GemmVector.Fma(a1v, b1, c11);
                if (TW.N > 2) c12 = GemmVector.Fma(a1v, b2, c12);
                if (TW.N > 3) c13 = GemmVector.Fma(a1v, b3, c13);
            }
            if (TR.N > 2)
            {
                var a2v = Vector512.Create(a2[off]);
                c20 = GemmVector.Fma(a2v, b0, c20);
                if (TW.N > 1) c21 = GemmVector.Fma(a2v, b1, c21);
                if (TW.N > 2) c22 = GemmVector.Fma(a2v, b2, c22);
                if (TW.N > 3) c23 = GemmVector.Fma(a2v, b3, c23);
            }
            if (TR.N > 3)
            {
                var a3v = Vector512.Create(a3[off]);
                c30 = GemmVector.Fma(a3v, b0, c30);
                if (TW.N > 1) c31 = GemmVector.Fma(a3v, b1, c31);
                if (TW.N > 2) c32 = GemmVector.Fma(a3v, b2, c32);
                if (TW.N > 3) c33 = GemmVector.Fma(a3v, b3, c33);
            }
            if (TR.N > 4)
            {
                var a4v = Vector512.Create(a4[off]);
                c40 = GemmVector.Fma(a4v, b0, c40);
                if (TW.N > 1) c41 = GemmVector.Fma(a4v, b1, c41);
                if (TW.N > 2) c42 = GemmVector.Fma(a4v, b2, c42);
                if (TW.N > 3) c43 = GemmVector.Fma(a4v, b3, c43);
            }
            if (TR.N > 5)
            {
                var a5v = Vector512.Create(a5[off]);
                c50 = GemmVector.Fma(a5v, b0, c50);
                if (TW.N > 1) c51 = GemmVector.Fma(a5v, b1, c51);
                if (TW.N > 2) c52 = GemmVector.Fma(a5v, b2, c52);
                if (TW.N > 3) c53 = GemmVector.Fma(a5v, b3, c53);
            }
            var b0x = Vector512.Load((b + ldbp));
            var b1x = TW.N > 1 ? Vector512.Load((b + ldbp) + 1 * lanes) : default;
            var b2x = TW.N > 2 ? Vector512.Load((b + ldbp) + 2 * lanes) : default;
            var b3x = TW.N > 3 ? Vector512.Load((b + ldbp) + 3 * lanes) : default;
            var a0vx = Vector512.Create(a0[off + csa]);
            c00 = GemmVector.Fma(a0vx, b0x, c00);
            if (TW.N > 1) c01 = GemmVector.Fma(a0vx, b1x, c01);
            if (TW.N > 2) c02 = GemmVector.Fma(a0vx, b2x, c02);
            if (TW.N > 3) c03 = GemmVector.Fma(a0vx, b3x, c03);
            if (TR.N > 1)
            {
                var a1vx = Vector512.Create(a1[off + csa]);
                c10 = GemmVector.Fma(a1vx, b0x, c10);
                if (TW.N > 1) c11 = GemmVector.Fma(a1vx, b1x, c11);
                if (TW.N > 2) c12 = GemmVector.Fma(a1vx, b2x, c12);
                if (TW.N > 3) c13 = GemmVector.Fma(a1vx, b3x, c13);
            }
            if (TR.N > 2)
            {
                var a2vx = Vector512.Create(a2[off + csa]);
                c20 = GemmVector.Fma(a2vx, b0x, c20);
                if (TW.N > 1) c21 = GemmVector.Fma(a2vx, b1x, c21);
                if (TW.N > 2) c22 = GemmVector.Fma(a2vx, b2x, c22);
                if (TW.N > 3) c23 = GemmVector.Fma(a2vx, b3x, c23);
            }
            if (TR.N > 3)
            {
                var a3vx = Vector512.Create(a3[off + csa]);
                c30 = GemmVector.Fma(a3vx, b0x, c30);
                if (TW.N > 1) c31 = GemmVector.Fma(a3vx, b1x, c31);
                if (TW.N > 2) c32 = GemmVector.Fma(a3vx, b2x, c32);
                if (TW.N > 3) c33 = GemmVector.Fma(a3vx, b3x, c33);
            }
            if (TR.N > 4)
            {
                var a4vx = Vector512.Create(a4[off + csa]);
                c40 = GemmVector.Fma(a4vx, b0x, c40);
                if (TW.N > 1) c41 = GemmVector.Fma(a4vx, b1x, c41);
                if (TW.N > 2) c42 = GemmVector.Fma(a4vx, b2x, c42);
                if (TW.N > 3) c43 = GemmVector.Fma(a4vx, b3x, c43);
            }
            if (TR.N > 5)
            {
                var a5vx = Vector512.Create(a5[off + csa]);
                c50 = GemmVector.Fma(a5vx, b0x, c50);
                if (TW.N > 1) c51 = GemmVector.Fma(a5vx, b1x, c51);
                if (TW.N > 2) c52 = GemmVector.Fma(a5vx, b2x, c52);
                if (TW.N > 3) c53 = GemmVector.Fma(a5vx, b3x, c53);
            }
            off += 2 * csa;
            b += 2 * ldbp;
        }
        if (p < kc)
        {
            var b0 = Vector512.Load(b);
            var b1 = TW.N > 1 ? Vector512.Load(b + 1 * lanes) : default;
            var b2 = TW.N > 2 ? Vector512.Load(b + 2 * lanes) : default;
            var b3 = TW.N > 3 ? Vector512.Load(b + 3 * lanes) : default;
            var a0v = Vector512.Create(a0[off]);
            c00 = GemmVector.Fma(a0v, b0, c00);
            if (TW.N > 1) c01 = GemmVector.Fma(a0v, b1, c01);
            if (TW.N > 2) c02 = GemmVector.Fma(a0v, b2, c02);
            if (TW.N > 3) c03 = GemmVector.Fma(a0v, b3, c03);
            if (TR.N > 1)
            {
                var a1v = Vector512.Create(a1[off]);
                c10 = GemmVector.Fma(a1v, b0, c10);
                if (TW.N > 1) c11 = GemmVector.Fma(a1v, b1, c11);
                if (TW.N > 2) c12 = GemmVector.Fma(a1v, b2, c12);
                if (TW.N > 3) c13 = GemmVector.Fma(a1v, b3, c13);
            }
            if (TR.N > 2)
            {
                var a2v = Vector512.Create(a2[off]);
                c20 = GemmVector.Fma(a2v, b0, c20);
                if (TW.N > 1) c21 = GemmVector.Fma(a2v, b1, c21);
                if (TW.N > 2) c22 = GemmVector.Fma(a2v, b2, c22);
                if (TW.N > 3) c23 = GemmVector.Fma(a2v, b3, c23);
            }
            if (TR.N > 3)
            {
                var a3v = Vector512.Create(a3[off]);
                c30 = GemmVector.Fma(a3v, b0, c30);
                if (TW.N > 1) c31 = GemmVector.Fma(a3v, b1, c31);
                if (TW.N > 2) c32 = GemmVector.Fma(a3v, b2, c32);
                if (TW.N > 3) c33 = GemmVector.Fma(a3v, b3, c33);
            }
            if (TR.N > 4)
            {
                var a4v = Vector512.Create(a4[off]);
                c40 = GemmVector.Fma(a4v, b0, c40);
                if (TW.N > 1) c41 = GemmVector.Fma(a4v, b1, c41);
                if (TW.N > 2) c42 = GemmVector.Fma(a4v, b2, c42);
                if (TW.N > 3) c43 = GemmVector.Fma(a4v, b3, c43);
            }
            if (TR.N > 5)
            {
                var a5v = Vector512.Create(a5[off]);
                c50 = GemmVector.Fma(a5v, b0, c50);
                if (TW.N > 1) c51 = GemmVector.Fma(a5v, b1, c51);
                if (TW.N > 2) c52 = GemmVector.Fma(a5v, b2, c52);
                if (TW.N > 3) c53 = GemmVector.Fma(a5v, b3, c53);
            }
        }

        var va = Vector512.Create(alpha);
        var vb = Vector512.Create(beta);
        bool readC = !T.IsZero(beta);
        StoreRow<TW>(c + 0 * ldc, lanes, c00, c01, c02, c03, va, vb, readC, mask, partial);
        if (TR.N > 1) StoreRow<TW>(c + 1 * ldc, lanes, c10, c11, c12, c13, va, vb, readC, mask, partial);
        if (TR.N > 2) StoreRow<TW>(c + 2 * ldc, lanes, c20, c21, c22, c23, va, vb, readC, mask, partial);
        if (TR.N > 3) StoreRow<TW>(c + 3 * ldc, lanes, c30, c31, c32, c33, va, vb, readC, mask, partial);
        if (TR.N > 4) StoreRow<TW>(c + 4 * ldc, lanes, c40, c41, c42, c43, va, vb, readC, mask, partial);
        if (TR.N > 5) StoreRow<TW>(c + 5 * ldc, lanes, c50, c51, c52, c53, va, vb, readC, mask, partial);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow<TW>(T* c, nint lanes, Vector512<T> v0, Vector512<T> v1, Vector512<T> v2, Vector512<T> v3,
        Vector512<T> alpha, Vector512<T> beta, bool readC, Vector512<T> mask, bool partial)
        where TW : struct, IGemmDim
    {
        if (TW.N == 1)
        {
            Last(c, v0, alpha, beta, readC, mask, partial);
            return;
        }
        GemmVector.Store(c, v0, alpha, beta, readC);
        if (TW.N == 2)
        {
            Last(c + 1 * lanes, v1, alpha, beta, readC, mask, partial);
            return;
        }
        GemmVector.Store(c + 1 * lanes, v1, alpha, beta, readC);
        if (TW.N == 3)
        {
            Last(c + 2 * lanes, v2, alpha, beta, readC, mask, partial);
            return;
        }
        GemmVector.Store(c + 2 * lanes, v2, alpha, beta, readC);
        Last(c + 3 * lanes, v3, alpha, beta, readC, mask, partial);
    }

    /// <summary>Stores the last vector of a tile row, masked when it sticks out of C.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Last(T* c, Vector512<T> acc, Vector512<T> alpha, Vector512<T> beta, bool readC,
        Vector512<T> mask, bool partial)
    {
        if (partial)
            GemmVector.StoreMasked(c, acc, alpha, beta, readC, mask);
        else
            GemmVector.Store(c, acc, alpha, beta, readC);
    }
}

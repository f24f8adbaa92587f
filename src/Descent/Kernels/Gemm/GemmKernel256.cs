using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Descent.Kernels;

/// <summary>
/// Vector256 FMA micro-kernel family: C tile += A(6 rows) · packed B panel.
/// </summary>
/// <remarks>
/// Register tile 6 rows × 2 ymm (6×16 floats, 6×8 doubles): 12 accumulators + 2 B vectors + 1 broadcast
/// fit the 16 ymm registers of AVX2 (the Goto/BLIS Haswell shape), so this family also runs on AVX2-only CPUs.
/// </remarks>
internal readonly unsafe struct GemmKernel256<T> : IGemmKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Mr => 6;

    public static int Lanes => Vector256<T>.Count;

    public static int MaxVectors => 2;

    public static SimdLevel Level => SimdLevel.Vector256;

    public static int RowsFor(int vectors, bool unitRowStride) => 6;

    public static bool MaskedTail => false;

    public static void Tile(int rows, int vectors, int tail, int kc, T* a, nint rsa, nint csa, T* b, nint ldbp, T* c, nint ldc,
        T alpha, T beta)
    {
        switch (vectors)
        {
            case 2: Rows<GemmD2>(rows, kc, a, rsa, csa, b, ldbp, c, ldc, alpha, beta); break;
            default: Rows<GemmD1>(rows, kc, a, rsa, csa, b, ldbp, c, ldc, alpha, beta); break;
        }
    }

    private static void Rows<TW>(int rows, int kc, T* a, nint rsa, nint csa, T* b, nint ldbp, T* c, nint ldc, T alpha, T beta)
        where TW : struct, IGemmDim
    {
        switch (rows)
        {
            case 6: Kernel<GemmD6, TW>(kc, a, rsa, csa, b, ldbp, c, ldc, alpha, beta); break;
            case 5: Kernel<GemmD5, TW>(kc, a, rsa, csa, b, ldbp, c, ldc, alpha, beta); break;
            case 4: Kernel<GemmD4, TW>(kc, a, rsa, csa, b, ldbp, c, ldc, alpha, beta); break;
            case 3: Kernel<GemmD3, TW>(kc, a, rsa, csa, b, ldbp, c, ldc, alpha, beta); break;
            case 2: Kernel<GemmD2, TW>(kc, a, rsa, csa, b, ldbp, c, ldc, alpha, beta); break;
            default: Kernel<GemmD1, TW>(kc, a, rsa, csa, b, ldbp, c, ldc, alpha, beta); break;
        }
    }

    // The accumulators are named locals, not an array, so the JIT keeps all of them in registers;
    // TR/TW are constants per specialisation, so every `if` below is resolved at JIT time.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel<TR, TW>(int kc, T* a, nint rsa, nint csa, T* b, nint ldbp, T* c, nint ldc, T alpha, T beta)
        where TR : struct, IGemmDim where TW : struct, IGemmDim
    {
        nint lanes = Vector256<T>.Count;
        if (Sse.IsSupported)
        {
            // Start pulling the C tile in now; it is only read after the k loop, and a miss there stalls.
            for (int r = 0; r < TR.N; r++)
                for (int v = 0; v < TW.N; v++)
                    Sse.Prefetch0(c + r * ldc + v * lanes);
        }
        Vector256<T> c00 = default, c01 = default;
        Vector256<T> c10 = default, c11 = default;
        Vector256<T> c20 = default, c21 = default;
        Vector256<T> c30 = default, c31 = default;
        Vector256<T> c40 = default, c41 = default;
        Vector256<T> c50 = default, c51 = default;
        T* a0 = a;
        T* a1 = a0 + (TR.N > 1 ? rsa : 0);
        T* a2 = a1 + (TR.N > 2 ? rsa : 0);
        T* a3 = a2 + (TR.N > 3 ? rsa : 0);
        T* a4 = a3 + (TR.N > 4 ? rsa : 0);
        T* a5 = a4 + (TR.N > 5 ? rsa : 0);
        nint off = 0;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector256.Load(b);
            var b1 = TW.N > 1 ? Vector256.Load(b + 1 * lanes) : default;
            var a0v = Vector256.Create(a0[off]);
            c00 = GemmVector.Fma(a0v, b0, c00);
            if (TW.N > 1) c01 = GemmVector.Fma(a0v, b1, c01);
            if (TR.N > 1)
            {
                var a1v = Vector256.Create(a1[off]);
                c10 = GemmVector.Fma(a1v, b0, c10);
                if (TW.N > 1) c11 = GemmVector.Fma(a1v, b1, c11);
            }
            if (TR.N > 2)
            {
                var a2v = Vector256.Create(a2[off]);
                c20 = GemmVector.Fma(a2v, b0, c20);
                if (TW.N > 1) c21 = GemmVector.Fma(a2v, b1, c21);
            }
            if (TR.N > 3)
            {
                var a3v = Vector256.Create(a3[off]);
                c30 = GemmVector.Fma(a3v, b0, c30);
                if (TW.N > 1) c31 = GemmVector.Fma(a3v, b1, c31);
            }
            if (TR.N > 4)
            {
                var a4v = Vector256.Create(a4[off]);
                c40 = GemmVector.Fma(a4v, b0, c40);
                if (TW.N > 1) c41 = GemmVector.Fma(a4v, b1, c41);
            }
            if (TR.N > 5)
            {
                var a5v = Vector256.Create(a5[off]);
                c50 = GemmVector.Fma(a5v, b0, c50);
                if (TW.N > 1) c51 = GemmVector.Fma(a5v, b1, c51);
            }
            off += csa;
            b += ldbp;
        }

        var va = Vector256.Create(alpha);
        var vb = Vector256.Create(beta);
        bool readC = !T.IsZero(beta);
        StoreRow<TW>(c + 0 * ldc, lanes, c00, c01, va, vb, readC);
        if (TR.N > 1) StoreRow<TW>(c + 1 * ldc, lanes, c10, c11, va, vb, readC);
        if (TR.N > 2) StoreRow<TW>(c + 2 * ldc, lanes, c20, c21, va, vb, readC);
        if (TR.N > 3) StoreRow<TW>(c + 3 * ldc, lanes, c30, c31, va, vb, readC);
        if (TR.N > 4) StoreRow<TW>(c + 4 * ldc, lanes, c40, c41, va, vb, readC);
        if (TR.N > 5) StoreRow<TW>(c + 5 * ldc, lanes, c50, c51, va, vb, readC);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow<TW>(T* c, nint lanes, Vector256<T> v0, Vector256<T> v1, Vector256<T> alpha, Vector256<T> beta, bool readC)
        where TW : struct, IGemmDim
    {
        GemmVector.Store(c, v0, alpha, beta, readC);
        if (TW.N > 1) GemmVector.Store(c + 1 * lanes, v1, alpha, beta, readC);
    }
}

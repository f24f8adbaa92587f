using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Descent.Kernels;

/// <summary>
/// In-register square block transposes used to pack a transposed B operand into row panels.
/// A scalar transpose costs one load and one store per element; these cost about a quarter of a
/// shuffle per element (the classic unpack-lo/hi, then 128-bit lane shuffle network).
/// Each reads L rows of L elements from <c>src</c> (row stride <c>lds</c>) and writes column i of the
/// block as row i of <c>dst</c> (row stride <c>ldd</c>).
/// </summary>
internal static unsafe class GemmTranspose
{
    /// <summary>16×16 float transpose with AVX-512F.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Transpose16x16(float* src, nint lds, float* dst, nint ldd)
    {
        var r0 = Vector512.Load(src + 0 * lds);
        var r1 = Vector512.Load(src + 1 * lds);
        var r2 = Vector512.Load(src + 2 * lds);
        var r3 = Vector512.Load(src + 3 * lds);
        var r4 = Vector512.Load(src + 4 * lds);
        var r5 = Vector512.Load(src + 5 * lds);
        var r6 = Vector512.Load(src + 6 * lds);
        var r7 = Vector512.Load(src + 7 * lds);
        var r8 = Vector512.Load(src + 8 * lds);
        var r9 = Vector512.Load(src + 9 * lds);
        var r10 = Vector512.Load(src + 10 * lds);
        var r11 = Vector512.Load(src + 11 * lds);
        var r12 = Vector512.Load(src + 12 * lds);
        var r13 = Vector512.Load(src + 13 * lds);
        var r14 = Vector512.Load(src + 14 * lds);
        var r15 = Vector512.Load(src + 15 * lds);

        // Interleave 32-bit elements of row pairs.
        var t0 = Avx512F.UnpackLow(r0, r1);
        var t1 = Avx512F.UnpackHigh(r0, r1);
        var t2 = Avx512F.UnpackLow(r2, r3);
        var t3 = Avx512F.UnpackHigh(r2, r3);
        var t4 = Avx512F.UnpackLow(r4, r5);
        var t5 = Avx512F.UnpackHigh(r4, r5);
        var t6 = Avx512F.UnpackLow(r6, r7);
        var t7 = Avx512F.UnpackHigh(r6, r7);
        var t8 = Avx512F.UnpackLow(r8, r9);
        var t9 = Avx512F.UnpackHigh(r8, r9);
        var t10 = Avx512F.UnpackLow(r10, r11);
        var t11 = Avx512F.UnpackHigh(r10, r11);
        var t12 = Avx512F.UnpackLow(r12, r13);
        var t13 = Avx512F.UnpackHigh(r12, r13);
        var t14 = Avx512F.UnpackLow(r14, r15);
        var t15 = Avx512F.UnpackHigh(r14, r15);

        // Interleave 64-bit pairs: lane l of u[4g+q] now holds column 4l+q of rows 4g..4g+3.
        var u0 = Avx512F.UnpackLow(t0.AsDouble(), t2.AsDouble()).AsSingle();
        var u1 = Avx512F.UnpackHigh(t0.AsDouble(), t2.AsDouble()).AsSingle();
        var u2 = Avx512F.UnpackLow(t1.AsDouble(), t3.AsDouble()).AsSingle();
        var u3 = Avx512F.UnpackHigh(t1.AsDouble(), t3.AsDouble()).AsSingle();
        var u4 = Avx512F.UnpackLow(t4.AsDouble(), t6.AsDouble()).AsSingle();
        var u5 = Avx512F.UnpackHigh(t4.AsDouble(), t6.AsDouble()).AsSingle();
        var u6 = Avx512F.UnpackLow(t5.AsDouble(), t7.AsDouble()).AsSingle();
        var u7 = Avx512F.UnpackHigh(t5.AsDouble(), t7.AsDouble()).AsSingle();
        var u8 = Avx512F.UnpackLow(t8.AsDouble(), t10.AsDouble()).AsSingle();
        var u9 = Avx512F.UnpackHigh(t8.AsDouble(), t10.AsDouble()).AsSingle();
        var u10 = Avx512F.UnpackLow(t9.AsDouble(), t11.AsDouble()).AsSingle();
        var u11 = Avx512F.UnpackHigh(t9.AsDouble(), t11.AsDouble()).AsSingle();
        var u12 = Avx512F.UnpackLow(t12.AsDouble(), t14.AsDouble()).AsSingle();
        var u13 = Avx512F.UnpackHigh(t12.AsDouble(), t14.AsDouble()).AsSingle();
        var u14 = Avx512F.UnpackLow(t13.AsDouble(), t15.AsDouble()).AsSingle();
        var u15 = Avx512F.UnpackHigh(t13.AsDouble(), t15.AsDouble()).AsSingle();

        // Gather lane l of u[q], u[4+q], u[8+q], u[12+q] into output row 4l+q.
        Lanes16(u0, u4, u8, u12, dst + 0 * ldd, ldd);
        Lanes16(u1, u5, u9, u13, dst + 1 * ldd, ldd);
        Lanes16(u2, u6, u10, u14, dst + 2 * ldd, ldd);
        Lanes16(u3, u7, u11, u15, dst + 3 * ldd, ldd);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Lanes16(Vector512<float> a, Vector512<float> b, Vector512<float> c, Vector512<float> d, float* dst, nint ldd)
    {
        var lo01 = Avx512F.Shuffle4x128(a, b, 0x44);   // a.l0 a.l1 b.l0 b.l1
        var hi01 = Avx512F.Shuffle4x128(a, b, 0xEE);   // a.l2 a.l3 b.l2 b.l3
        var lo23 = Avx512F.Shuffle4x128(c, d, 0x44);
        var hi23 = Avx512F.Shuffle4x128(c, d, 0xEE);
        Avx512F.Shuffle4x128(lo01, lo23, 0x88).Store(dst);            // lane 0 of a b c d
        Avx512F.Shuffle4x128(lo01, lo23, 0xDD).Store(dst + 4 * ldd);  // lane 1
        Avx512F.Shuffle4x128(hi01, hi23, 0x88).Store(dst + 8 * ldd);  // lane 2
        Avx512F.Shuffle4x128(hi01, hi23, 0xDD).Store(dst + 12 * ldd); // lane 3
    }

    /// <summary>8×8 double transpose with AVX-512F.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Transpose8x8(double* src, nint lds, double* dst, nint ldd)
    {
        var r0 = Vector512.Load(src + 0 * lds);
        var r1 = Vector512.Load(src + 1 * lds);
        var r2 = Vector512.Load(src + 2 * lds);
        var r3 = Vector512.Load(src + 3 * lds);
        var r4 = Vector512.Load(src + 4 * lds);
        var r5 = Vector512.Load(src + 5 * lds);
        var r6 = Vector512.Load(src + 6 * lds);
        var r7 = Vector512.Load(src + 7 * lds);

        // Lane l of t[2i+q] holds column 2l+q of rows 2i, 2i+1.
        var t0 = Avx512F.UnpackLow(r0, r1);
        var t1 = Avx512F.UnpackHigh(r0, r1);
        var t2 = Avx512F.UnpackLow(r2, r3);
        var t3 = Avx512F.UnpackHigh(r2, r3);
        var t4 = Avx512F.UnpackLow(r4, r5);
        var t5 = Avx512F.UnpackHigh(r4, r5);
        var t6 = Avx512F.UnpackLow(r6, r7);
        var t7 = Avx512F.UnpackHigh(r6, r7);

        Lanes8(t0, t2, t4, t6, dst + 0 * ldd, ldd);
        Lanes8(t1, t3, t5, t7, dst + 1 * ldd, ldd);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Lanes8(Vector512<double> a, Vector512<double> b, Vector512<double> c, Vector512<double> d, double* dst, nint ldd)
    {
        var lo01 = Avx512F.Shuffle4x128(a, b, 0x44);
        var hi01 = Avx512F.Shuffle4x128(a, b, 0xEE);
        var lo23 = Avx512F.Shuffle4x128(c, d, 0x44);
        var hi23 = Avx512F.Shuffle4x128(c, d, 0xEE);
        Avx512F.Shuffle4x128(lo01, lo23, 0x88).Store(dst);
        Avx512F.Shuffle4x128(lo01, lo23, 0xDD).Store(dst + 2 * ldd);
        Avx512F.Shuffle4x128(hi01, hi23, 0x88).Store(dst + 4 * ldd);
        Avx512F.Shuffle4x128(hi01, hi23, 0xDD).Store(dst + 6 * ldd);
    }

    /// <summary>8×8 float transpose with AVX.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Transpose8x8(float* src, nint lds, float* dst, nint ldd)
    {
        var r0 = Vector256.Load(src + 0 * lds);
        var r1 = Vector256.Load(src + 1 * lds);
        var r2 = Vector256.Load(src + 2 * lds);
        var r3 = Vector256.Load(src + 3 * lds);
        var r4 = Vector256.Load(src + 4 * lds);
        var r5 = Vector256.Load(src + 5 * lds);
        var r6 = Vector256.Load(src + 6 * lds);
        var r7 = Vector256.Load(src + 7 * lds);

        var t0 = Avx.UnpackLow(r0, r1);
        var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3);
        var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5);
        var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7);
        var t7 = Avx.UnpackHigh(r6, r7);

        // Lane l of u[4g+q] holds column 4l+q of rows 4g..4g+3.
        var u0 = Avx.UnpackLow(t0.AsDouble(), t2.AsDouble()).AsSingle();
        var u1 = Avx.UnpackHigh(t0.AsDouble(), t2.AsDouble()).AsSingle();
        var u2 = Avx.UnpackLow(t1.AsDouble(), t3.AsDouble()).AsSingle();
        var u3 = Avx.UnpackHigh(t1.AsDouble(), t3.AsDouble()).AsSingle();
        var u4 = Avx.UnpackLow(t4.AsDouble(), t6.AsDouble()).AsSingle();
        var u5 = Avx.UnpackHigh(t4.AsDouble(), t6.AsDouble()).AsSingle();
        var u6 = Avx.UnpackLow(t5.AsDouble(), t7.AsDouble()).AsSingle();
        var u7 = Avx.UnpackHigh(t5.AsDouble(), t7.AsDouble()).AsSingle();

        Avx.Permute2x128(u0, u4, 0x20).Store(dst + 0 * ldd);
        Avx.Permute2x128(u0, u4, 0x31).Store(dst + 4 * ldd);
        Avx.Permute2x128(u1, u5, 0x20).Store(dst + 1 * ldd);
        Avx.Permute2x128(u1, u5, 0x31).Store(dst + 5 * ldd);
        Avx.Permute2x128(u2, u6, 0x20).Store(dst + 2 * ldd);
        Avx.Permute2x128(u2, u6, 0x31).Store(dst + 6 * ldd);
        Avx.Permute2x128(u3, u7, 0x20).Store(dst + 3 * ldd);
        Avx.Permute2x128(u3, u7, 0x31).Store(dst + 7 * ldd);
    }

    /// <summary>4×4 double transpose with AVX.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Transpose4x4(double* src, nint lds, double* dst, nint ldd)
    {
        var r0 = Vector256.Load(src);
        var r1 = Vector256.Load(src + lds);
        var r2 = Vector256.Load(src + 2 * lds);
        var r3 = Vector256.Load(src + 3 * lds);
        var t0 = Avx.UnpackLow(r0, r1);    // lane l: column 2l of rows 0, 1
        var t1 = Avx.UnpackHigh(r0, r1);   // lane l: column 2l+1 of rows 0, 1
        var t2 = Avx.UnpackLow(r2, r3);
        var t3 = Avx.UnpackHigh(r2, r3);
        Avx.Permute2x128(t0, t2, 0x20).Store(dst);
        Avx.Permute2x128(t1, t3, 0x20).Store(dst + ldd);
        Avx.Permute2x128(t0, t2, 0x31).Store(dst + 2 * ldd);
        Avx.Permute2x128(t1, t3, 0x31).Store(dst + 3 * ldd);
    }
}

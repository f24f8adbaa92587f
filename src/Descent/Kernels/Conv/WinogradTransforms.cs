using System.Numerics;
using System.Runtime.CompilerServices;

namespace Descent.Kernels;

/// <summary>
/// The tile transforms of Winograd's minimal filtering algorithm F(2×2, 3×3) (Lavin and Gray, "Fast Algorithms
/// for Convolutional Neural Networks", CVPR 2016): a 2×2 output tile of a 3×3 cross-correlation is
/// Y = Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A from the 4×4 input tile d, with 16 multiplications instead of 36. Every entry
/// of A, B and G is 0, ±1 or ±½, so the transforms add no rounding beyond a few additions (float32 results stay
/// within a few ulps of the direct sum). Each forward transform comes with its adjoint for the backward pass
/// (dM = A dY Aᵀ, dg = Gᵀ dU G, dd = B dV Bᵀ).
/// The 16 transformed values of a tile are the positions ξ = 4·row + column of the 4×4 result. Transforms run on
/// vectors of channels (<typeparamref name="TV"/> lanes of consecutive channels in an HWC layout): element (i, j)
/// of a tile is at <c>p + i·rowStride + j·colStride</c>, value ξ of a transformed tile at <c>p + ξ·xiStride</c>.
/// </summary>
internal static unsafe class WinogradTransforms<T, TV>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TV : unmanaged, ISimdVector<TV, T>
{
    // Each whole transform is its own fully optimized method: inlined into the tile loop, the JIT's inlining budget ran
    // out before the vector operations (calls to Simd512.Add and friends in the profile); as roots they all inline.
    private const MethodImplOptions RootOptions = MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization;

    /// <summary>V = Bᵀ d B: Bᵀ = [[1, 0, −1, 0], [0, 1, 1, 0], [0, −1, 1, 0], [0, 1, 0, −1]].</summary>
    [MethodImpl(RootOptions)]
    public static void Input(T* d, nint rowStride, nint colStride, T* v, nint xiStride)
    {
        // Along each row first (r = d·B), all 16 values in registers, then down the columns (Bᵀ·r).
        InputRow(d, colStride, out var r00, out var r01, out var r02, out var r03);
        InputRow(d + rowStride, colStride, out var r10, out var r11, out var r12, out var r13);
        InputRow(d + 2 * rowStride, colStride, out var r20, out var r21, out var r22, out var r23);
        InputRow(d + 3 * rowStride, colStride, out var r30, out var r31, out var r32, out var r33);
        InputColumn(r00, r10, r20, r30, v, xiStride);
        InputColumn(r01, r11, r21, r31, v + xiStride, xiStride);
        InputColumn(r02, r12, r22, r32, v + 2 * xiStride, xiStride);
        InputColumn(r03, r13, r23, r33, v + 3 * xiStride, xiStride);
    }

    /// <summary>
    /// dd += B dV Bᵀ (the adjoint of <see cref="Input"/>), accumulated into the 4×4 tile at <paramref name="d"/>:
    /// neighbouring tiles overlap by two rows and columns and both contribute there.
    /// </summary>
    [MethodImpl(RootOptions)]
    public static void InputAdjoint(T* dv, nint xiStride, T* d, nint rowStride, nint colStride)
    {
        // B = the transpose of Bᵀ: along each transformed row k (e = dV_k·Bᵀ), then down the columns.
        InputAdjointRow(dv, xiStride, out var e00, out var e01, out var e02, out var e03);
        InputAdjointRow(dv + 4 * xiStride, xiStride, out var e10, out var e11, out var e12, out var e13);
        InputAdjointRow(dv + 8 * xiStride, xiStride, out var e20, out var e21, out var e22, out var e23);
        InputAdjointRow(dv + 12 * xiStride, xiStride, out var e30, out var e31, out var e32, out var e33);
        InputAdjointColumn(e00, e10, e20, e30, d, rowStride);
        InputAdjointColumn(e01, e11, e21, e31, d + colStride, rowStride);
        InputAdjointColumn(e02, e12, e22, e32, d + 2 * colStride, rowStride);
        InputAdjointColumn(e03, e13, e23, e33, d + 3 * colStride, rowStride);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void InputRow(T* d, nint colStride, out TV r0, out TV r1, out TV r2, out TV r3)
    {
        var d0 = TV.Load(d);
        var d1 = TV.Load(d + colStride);
        var d2 = TV.Load(d + 2 * colStride);
        var d3 = TV.Load(d + 3 * colStride);
        r0 = TV.Sub(d0, d2);
        r1 = TV.Add(d1, d2);
        r2 = TV.Sub(d2, d1);
        r3 = TV.Sub(d1, d3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void InputColumn(TV r0, TV r1, TV r2, TV r3, T* v, nint xiStride)
    {
        TV.Store(TV.Sub(r0, r2), v);
        TV.Store(TV.Add(r1, r2), v + 4 * xiStride);
        TV.Store(TV.Sub(r2, r1), v + 8 * xiStride);
        TV.Store(TV.Sub(r1, r3), v + 12 * xiStride);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void InputAdjointRow(T* dv, nint xiStride, out TV e0, out TV e1, out TV e2, out TV e3)
    {
        var v0 = TV.Load(dv);
        var v1 = TV.Load(dv + xiStride);
        var v2 = TV.Load(dv + 2 * xiStride);
        var v3 = TV.Load(dv + 3 * xiStride);
        e0 = v0;
        e1 = TV.Add(TV.Sub(v1, v2), v3);
        e2 = TV.Sub(TV.Add(v1, v2), v0);
        e3 = TV.Neg(v3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void InputAdjointColumn(TV e0, TV e1, TV e2, TV e3, T* d, nint rowStride)
    {
        Accumulate(d, e0);
        Accumulate(d + rowStride, TV.Add(TV.Sub(e1, e2), e3));
        Accumulate(d + 2 * rowStride, TV.Sub(TV.Add(e1, e2), e0));
        Accumulate(d + 3 * rowStride, TV.Neg(e3));
    }

    /// <summary>Y = Aᵀ M A: Aᵀ = [[1, 1, 1, 0], [0, 1, −1, −1]]; writes the 2×2 output tile.</summary>
    [MethodImpl(RootOptions)]
    public static void Output(T* m, nint xiStride, T* y, nint rowStride, nint colStride)
    {
        // Column pass over the four columns l: s(a, l); then the row pass gives y(a, b).
        var s00 = default(TV); var s01 = default(TV); var s02 = default(TV); var s03 = default(TV);
        var s10 = default(TV); var s11 = default(TV); var s12 = default(TV); var s13 = default(TV);
        OutputColumn(m, xiStride, 0, ref s00, ref s10);
        OutputColumn(m, xiStride, 1, ref s01, ref s11);
        OutputColumn(m, xiStride, 2, ref s02, ref s12);
        OutputColumn(m, xiStride, 3, ref s03, ref s13);
        TV.Store(TV.Add(TV.Add(s00, s01), s02), y);
        TV.Store(TV.Sub(TV.Sub(s01, s02), s03), y + colStride);
        TV.Store(TV.Add(TV.Add(s10, s11), s12), y + rowStride);
        TV.Store(TV.Sub(TV.Sub(s11, s12), s13), y + rowStride + colStride);
    }

    /// <summary>dM = A dY Aᵀ (the adjoint of <see cref="Output"/>) from the 2×2 output-gradient tile.</summary>
    [MethodImpl(RootOptions)]
    public static void OutputAdjoint(T* dy, nint rowStride, nint colStride, T* dm, nint xiStride)
    {
        var g00 = TV.Load(dy);
        var g01 = TV.Load(dy + colStride);
        var g10 = TV.Load(dy + rowStride);
        var g11 = TV.Load(dy + rowStride + colStride);
        // A(k, a) = [[1, 0], [1, 1], [1, −1], [0, −1]] along both axes.
        OutputAdjointRow(g00, g01, dm, xiStride);                                   // k = 0: row 0 of dY
        OutputAdjointRow(TV.Add(g00, g10), TV.Add(g01, g11), dm + 4 * xiStride, xiStride);
        OutputAdjointRow(TV.Sub(g00, g10), TV.Sub(g01, g11), dm + 8 * xiStride, xiStride);
        OutputAdjointRow(TV.Neg(g10), TV.Neg(g11), dm + 12 * xiStride, xiStride);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void OutputColumn(T* m, nint xiStride, int l, ref TV s0, ref TV s1)
    {
        var m0 = TV.Load(m + (0 + l) * xiStride);
        var m1 = TV.Load(m + (4 + l) * xiStride);
        var m2 = TV.Load(m + (8 + l) * xiStride);
        var m3 = TV.Load(m + (12 + l) * xiStride);
        s0 = TV.Add(TV.Add(m0, m1), m2);
        s1 = TV.Sub(TV.Sub(m1, m2), m3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void OutputAdjointRow(TV r0, TV r1, T* dm, nint xiStride)
    {
        TV.Store(r0, dm);
        TV.Store(TV.Add(r0, r1), dm + xiStride);
        TV.Store(TV.Sub(r0, r1), dm + 2 * xiStride);
        TV.Store(TV.Neg(r1), dm + 3 * xiStride);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Accumulate(T* p, TV value) => TV.Store(TV.Add(TV.Load(p), value), p);
}

/// <summary>The filter transforms of F(2×2, 3×3), one 3×3 filter at a time (cheap: once per weight per step).</summary>
internal static unsafe class WinogradFilter<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>U = G g Gᵀ for the 3×3 filter g (row-major); G = [[1, 0, 0], [½, ½, ½], [½, −½, ½], [0, 0, 1]].</summary>
    public static void Transform(T* g, T* u, nint xiStride)
    {
        T half = T.CreateTruncating(0.5);
        var t = stackalloc T[12];   // t = G g: 4 rows × 3 columns
        for (int j = 0; j < 3; j++)
        {
            T g0 = g[j], g1 = g[3 + j], g2 = g[6 + j];
            t[j] = g0;
            t[3 + j] = half * (g0 + g1 + g2);
            t[6 + j] = half * (g0 - g1 + g2);
            t[9 + j] = g2;
        }
        for (int k = 0; k < 4; k++)
        {
            T t0 = t[3 * k], t1 = t[3 * k + 1], t2 = t[3 * k + 2];
            u[(4 * k + 0) * xiStride] = t0;
            u[(4 * k + 1) * xiStride] = half * (t0 + t1 + t2);
            u[(4 * k + 2) * xiStride] = half * (t0 - t1 + t2);
            u[(4 * k + 3) * xiStride] = t2;
        }
    }

    /// <summary>dg = Gᵀ dU G (the adjoint of <see cref="Transform"/>), written to the 3×3 filter gradient.</summary>
    public static void Adjoint(T* du, nint xiStride, T* dg)
    {
        T half = T.CreateTruncating(0.5);
        var t = stackalloc T[12];   // t = Gᵀ dU: 3 rows × 4 columns
        for (int l = 0; l < 4; l++)
        {
            T u0 = du[(0 + l) * xiStride], u1 = du[(4 + l) * xiStride], u2 = du[(8 + l) * xiStride], u3 = du[(12 + l) * xiStride];
            t[l] = u0 + half * (u1 + u2);
            t[4 + l] = half * (u1 - u2);
            t[8 + l] = half * (u1 + u2) + u3;
        }
        for (int i = 0; i < 3; i++)
        {
            T t0 = t[4 * i], t1 = t[4 * i + 1], t2 = t[4 * i + 2], t3 = t[4 * i + 3];
            dg[3 * i + 0] = t0 + half * (t1 + t2);
            dg[3 * i + 1] = half * (t1 - t2);
            dg[3 * i + 2] = half * (t1 + t2) + t3;
        }
    }
}

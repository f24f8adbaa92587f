using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Descent.Kernels;

/// <summary>
/// Packs a kc × nc block of op(B) into column panels of NR elements (Goto and van de Geijn, "Anatomy of
/// High-Performance Matrix Multiplication", ACM TOMS 2008, §4): panel q holds columns [q·NR, q·NR + w)
/// as kc consecutive rows, so the micro-kernel streams B with unit stride. The last panel's rows are
/// padded with zeros to a whole number of vectors; the padding lanes are computed but never stored.
/// A transposed B is packed with in-register block transposes, never materialised as a whole.
/// </summary>
internal static unsafe class GemmPackB<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>
    /// Packs op(B)[0..kc, 0..nc], where op(B)(p, j) = b[p·ldb + j], or b[j·ldb + p] when <paramref name="trans"/>.
    /// Panel q starts at dst + q·NR·kc and has row stride w rounded up to <paramref name="lanes"/>.
    /// </summary>
    public static void Pack(SimdLevel level, int lanes, int nr, bool trans, int kc, int nc, T* b, nint ldb, T* dst)
    {
        for (int j = 0; j < nc; j += nr)
        {
            int w = Math.Min(nr, nc - j);
            int stride = (w + lanes - 1) / lanes * lanes;
            T* panel = dst + (nint)j * kc;
            if (trans)
                TransposePanel(level, kc, w, stride, b + j * ldb, ldb, panel);
            else
                CopyPanel(level, kc, w, stride, b + j, ldb, panel);
        }
    }

    private static void CopyPanel(SimdLevel level, int kc, int w, int stride, T* src, nint ldb, T* dst)
    {
        if (level == SimdLevel.Vector512 && Avx512F.IsSupported)
        {
            // The ragged last vector is read with a lane mask (masked-off lanes are neither touched nor
            // faulted) and written whole, which also writes the zero padding.
            int full = w / Vector512<T>.Count * Vector512<T>.Count;
            var mask = GemmVector.TailMask<T>(w - full);
            for (int p = 0; p < kc; p++, src += ldb, dst += stride)
            {
                int x = 0;
                for (; x < full; x += Vector512<T>.Count)
                    Vector512.Load(src + x).Store(dst + x);
                if (x < stride)
                    MaskLoad(src + x, mask).Store(dst + x);
            }
            return;
        }
        for (int p = 0; p < kc; p++, src += ldb, dst += stride)
        {
            int x = 0;
            if (level == SimdLevel.Vector256)
            {
                for (; x + Vector256<T>.Count <= w; x += Vector256<T>.Count)
                    Vector256.Load(src + x).Store(dst + x);
            }
            for (; x < w; x++)
                dst[x] = src[x];
            for (; x < stride; x++)
                dst[x] = T.Zero;
        }
    }

    private static Vector512<T> MaskLoad(T* src, Vector512<T> mask)
    {
        if (typeof(T) == typeof(float))
            return Avx512F.MaskLoad((float*)src, mask.AsSingle(), Vector512<float>.Zero).As<float, T>();
        return Avx512F.MaskLoad((double*)src, mask.AsDouble(), Vector512<double>.Zero).As<double, T>();
    }

    // dst[p·stride + j] = src[j·ldb + p]. Whole blk×blk blocks go through a register transpose; a ragged
    // right block is staged through a zero-filled scratch block first (its padding columns come out zero),
    // and only the last kc % blk rows are copied element by element.
    [SkipLocalsInit]
    private static void TransposePanel(SimdLevel level, int kc, int w, int stride, T* src, nint ldb, T* dst)
    {
        int blk = BlockSize(level);
        int pFull = blk == 0 ? 0 : kc / blk * blk;
        int jFull = blk == 0 ? 0 : w / blk * blk;
        int ragged = w - jFull;   // stride = jFull + blk whenever ragged > 0, since blk is the lane count
        T* stage = stackalloc T[blk * blk];
        if (ragged > 0)
            new Span<T>(stage, blk * blk).Clear();
        for (int p = 0; p < pFull; p += blk)
        {
            for (int j = 0; j < jFull; j += blk)
                TransposeBlock(level, src + j * ldb + p, ldb, dst + (nint)p * stride + j, stride);
            if (ragged > 0)
            {
                for (int r = 0; r < ragged; r++)
                    new ReadOnlySpan<T>(src + (jFull + r) * ldb + p, blk).CopyTo(new Span<T>(stage + r * blk, blk));
                TransposeBlock(level, stage, blk, dst + (nint)p * stride + jFull, stride);
            }
        }

        for (int p = pFull; p < kc; p++)
        {
            T* row = dst + (nint)p * stride;
            for (int j = 0; j < w; j++)
                row[j] = src[j * ldb + p];
            for (int j = w; j < stride; j++)
                row[j] = T.Zero;
        }
    }

    private static int BlockSize(SimdLevel level) => level switch
    {
        SimdLevel.Vector512 when Avx512F.IsSupported => Vector512<T>.Count,
        SimdLevel.Vector256 when Avx.IsSupported => Vector256<T>.Count,
        _ => 0,
    };

    private static void TransposeBlock(SimdLevel level, T* src, nint lds, T* dst, nint ldd)
    {
        if (typeof(T) == typeof(float))
        {
            if (level == SimdLevel.Vector512)
                GemmTranspose.Transpose16x16((float*)src, lds, (float*)dst, ldd);
            else
                GemmTranspose.Transpose8x8((float*)src, lds, (float*)dst, ldd);
        }
        else
        {
            if (level == SimdLevel.Vector512)
                GemmTranspose.Transpose8x8((double*)src, lds, (double*)dst, ldd);
            else
                GemmTranspose.Transpose4x4((double*)src, lds, (double*)dst, ldd);
        }
    }
}

using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Descent.Kernels;

/// <summary>
/// Packs an mc × kc block of a transposed A (stored k-major: element (i, p) at a[p·lda + i]) into MR-row
/// micro-panels, k-major inside each panel (Goto and van de Geijn 2008, §4): the micro-kernel then reads the
/// MR values of each k step from consecutive addresses instead of one new stored row per k step. In place,
/// a power-of-two lda maps the rows of a k block onto a few L1 sets, where they collide with the streamed
/// B rows (a 256×768×256 transA product ran 5% slower than 264×768×256).
/// </summary>
internal static unsafe class GemmPackA<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>
    /// Distance between panels: kc·mr plus 8 elements of slack, so the 8-wide stores below may run past a
    /// panel's last row without touching the next panel.
    /// </summary>
    public static nint PanelStride(int kc, int mr) => (nint)kc * mr + 8;

    /// <summary>Elements <see cref="Pack"/> writes for an mc × kc block.</summary>
    public static int Size(int mc, int kc, int mr) => (mc + mr - 1) / mr * (int)PanelStride(kc, mr);

    /// <summary>
    /// Packs op(A)[0..mc, 0..kc] into panels of <paramref name="mr"/> rows: row r of panel q at k step p is
    /// dst[q·PanelStride + p·mr + r]. A partial last panel holds only its rows.
    /// </summary>
    public static void Pack(SimdLevel level, int mr, int mc, int kc, T* a, nint lda, T* dst)
    {
        int panels = (mc + mr - 1) / mr;
        nint stride = PanelStride(kc, mr);
        // Panels copied as one 8-element vector (mr ≤ 8): the 8 - mr extra elements land in the next k step
        // of the same panel, which is written afterwards, or in the slack. They must also be readable, so
        // the last panel, whose extra elements lie past the block, is copied element by element.
        int wide = level == SimdLevel.Scalar || mr > 8 ? 0 : Math.Max(0, (mc - 8) / mr + 1);
        wide = Math.Min(wide, panels - 1);
        for (int p = 0; p < kc; p++)
        {
            T* row = a + p * lda;
            T* to = dst + p * mr;
            int q = 0;
            for (; q < wide; q++)
                Copy8(row + q * mr, to + q * stride);
            for (; q < panels; q++)
            {
                int rows = Math.Min(mr, mc - q * mr);
                for (int r = 0; r < rows; r++)
                    to[q * stride + r] = row[q * mr + r];
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Copy8(T* src, T* dst)
    {
        if (sizeof(T) == 4)
        {
            Vector256.Load(src).Store(dst);
        }
        else if (Vector512.IsHardwareAccelerated)
        {
            Vector512.Load(src).Store(dst);
        }
        else
        {
            Vector256.Load(src).Store(dst);
            Vector256.Load(src + 4).Store(dst + 4);
        }
    }
}

using System.Numerics;

namespace Descent.Kernels.Recurrent;

/// <summary>
/// The pointwise part of an LSTM step (Hochreiter &amp; Schmidhuber 1997; PyTorch's gate layout) on pre-activation
/// gates [B, 4H] laid out per row as [i | f | g | o]: i, f, o = σ(·), g = tanh(·), c' = f·c + i·g, h' = o·tanh(c').
/// The activated gates and tanh(c') are kept for the backward pass.
/// </summary>
public static class LstmCellKernels
{
    /// <summary>Writes activated gates, h', c' and tanh(c') for a batch of <paramref name="batch"/> rows of hidden size <paramref name="hidden"/>.</summary>
    public static void Forward<T>(ReadOnlySpan<T> gates, ReadOnlySpan<T> cPrev, Span<T> activated, Span<T> h, Span<T> c, Span<T> tanhC,
        int batch, int hidden)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int g4 = 4 * hidden;
        for (int b = 0; b < batch; b++)
        {
            var src = gates.Slice(b * g4, g4);
            var dst = activated.Slice(b * g4, g4);
            default(SigmoidKernel<T>).Apply(src[..(2 * hidden)], dst[..(2 * hidden)]);
            default(TanhKernel<T>).Apply(src.Slice(2 * hidden, hidden), dst.Slice(2 * hidden, hidden));
            default(SigmoidKernel<T>).Apply(src.Slice(3 * hidden, hidden), dst.Slice(3 * hidden, hidden));
            var cp = cPrev.Slice(b * hidden, hidden);
            var cs = c.Slice(b * hidden, hidden);
            for (int j = 0; j < hidden; j++)
                cs[j] = dst[hidden + j] * cp[j] + dst[j] * dst[2 * hidden + j];
        }
        default(TanhKernel<T>).Apply(c[..(batch * hidden)], tanhC[..(batch * hidden)]);
        for (int b = 0; b < batch; b++)
        {
            var act = activated.Slice(b * g4, g4);
            for (int j = 0; j < hidden; j++)
                h[b * hidden + j] = act[3 * hidden + j] * tanhC[b * hidden + j];
        }
    }

    /// <summary>
    /// From dh' and dc' (either may be empty for zero): dGates (pre-activation) and dc (when non-empty), using
    /// dc_total = dc' + dh'·o·(1 − tanh²c'), and σ' = σ(1 − σ), tanh' = 1 − tanh².
    /// </summary>
    public static void Backward<T>(ReadOnlySpan<T> activated, ReadOnlySpan<T> cPrev, ReadOnlySpan<T> tanhC,
        ReadOnlySpan<T> dh, ReadOnlySpan<T> dc, Span<T> dGates, Span<T> dcPrev, int batch, int hidden)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int g4 = 4 * hidden;
        for (int b = 0; b < batch; b++)
        {
            var act = activated.Slice(b * g4, g4);
            var dg = dGates.Slice(b * g4, g4);
            for (int j = 0; j < hidden; j++)
            {
                int k = b * hidden + j;
                T i = act[j], f = act[hidden + j], g = act[2 * hidden + j], o = act[3 * hidden + j], tc = tanhC[k];
                T dhk = dh.IsEmpty ? T.Zero : dh[k];
                T dct = (dc.IsEmpty ? T.Zero : dc[k]) + dhk * o * (T.One - tc * tc);
                dg[j] = dct * g * i * (T.One - i);
                dg[hidden + j] = dct * cPrev[k] * f * (T.One - f);
                dg[2 * hidden + j] = dct * i * (T.One - g * g);
                dg[3 * hidden + j] = dhk * tc * o * (T.One - o);
                if (!dcPrev.IsEmpty) dcPrev[k] = dct * f;
            }
        }
    }
}

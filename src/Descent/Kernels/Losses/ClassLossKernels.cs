using System.Numerics;

namespace Descent.Kernels.Losses;

/// <summary>
/// Negative log-likelihood over class log-probabilities laid out [N, C, D] (D = product of extra dims) with
/// int64 targets [N, D], optional class weights, an ignored index and label smoothing ε (PyTorch's
/// <c>nll_loss</c> + <c>cross_entropy</c> label-smoothing term): per target
/// l = (1 − ε)·(−w[t]·logp[t]) + (ε/C)·(−Σ_c w[c]·logp[c]); ignored targets contribute 0 and no weight.
/// Targets must have been validated (in [0, C) or equal to the ignored index).
/// </summary>
public static class ClassLossKernels
{
    /// <summary>Per-target losses (in double) and the summed weight w[t] of non-ignored targets (the mean's divisor).</summary>
    public static double Forward<T>(ReadOnlySpan<T> logp, ReadOnlySpan<long> target, ReadOnlySpan<T> weight,
        int n, int c, int d, long ignoreIndex, double smoothing, Span<double> losses)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double weightSum = 0;
        for (int i = 0; i < n; i++)
            for (int k = 0; k < d; k++)
            {
                int s = i * d + k;
                long t = target[s];
                if (t == ignoreIndex) { losses[s] = 0; continue; }
                double wt = weight.IsEmpty ? 1 : double.CreateTruncating(weight[(int)t]);
                int baseIdx = i * c * d + k;
                double loss = -wt * double.CreateTruncating(logp[baseIdx + (int)t * d]);
                if (smoothing != 0)
                {
                    double smooth = 0;
                    for (int j = 0; j < c; j++)
                    {
                        double wj = weight.IsEmpty ? 1 : double.CreateTruncating(weight[j]);
                        smooth -= wj * double.CreateTruncating(logp[baseIdx + j * d]);
                    }
                    loss = (1 - smoothing) * loss + smoothing / c * smooth;
                }
                losses[s] = loss;
                weightSum += wt;
            }
        return weightSum;
    }

    /// <summary>
    /// dlogp (fully overwritten) for upstream gradient per target <paramref name="upstream"/>[s] (unreduced) or the
    /// scalar <paramref name="scale"/> (reduced).
    /// </summary>
    public static void Backward<T>(ReadOnlySpan<long> target, ReadOnlySpan<T> weight, int n, int c, int d, long ignoreIndex,
        double smoothing, ReadOnlySpan<T> upstream, double scale, Span<T> dlogp)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        dlogp.Clear();
        for (int i = 0; i < n; i++)
            for (int k = 0; k < d; k++)
            {
                int s = i * d + k;
                long t = target[s];
                if (t == ignoreIndex) continue;
                double g = upstream.IsEmpty ? scale : double.CreateTruncating(upstream[s]);
                int baseIdx = i * c * d + k;
                double wt = weight.IsEmpty ? 1 : double.CreateTruncating(weight[(int)t]);
                if (smoothing != 0)
                {
                    double f = -g * smoothing / c;
                    for (int j = 0; j < c; j++)
                        dlogp[baseIdx + j * d] = T.CreateTruncating(f * (weight.IsEmpty ? 1 : double.CreateTruncating(weight[j])));
                }
                int ti = baseIdx + (int)t * d;
                dlogp[ti] = T.CreateTruncating(double.CreateTruncating(dlogp[ti]) - g * (1 - smoothing) * wt);
            }
    }
}

using System.Numerics;

namespace Descent.Kernels.Normalization;

/// <summary>
/// Batch normalization (Ioffe &amp; Szegedy 2015) over a contiguous [N, C, S] block (S = product of spatial
/// dims): statistics per channel c over N·S elements. Each contiguous run of S elements is reduced with SIMD
/// and the runs are accumulated in double (PyTorch's CPU kernel also accumulates float statistics in double).
/// The transform is y = x·α + β with α = invStd·w, β = b − mean·α, as PyTorch computes it. Channels run in
/// parallel when the block is large; [N, C] inputs (S = 1) take the row-wise path of <see cref="BatchNormRowKernels"/>.
/// </summary>
public static class BatchNormKernels
{
    /// <summary>Below this many elements everything runs on the calling thread.</summary>
    public const int ParallelThreshold = 1 << 15;

    /// <summary>Per-channel mean and biased variance.</summary>
    public static void Statistics<T>(T[] x, int xOffset, int n, int c, int s, double[] mean, int meanOffset, double[] variance, int varOffset)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (s == 1 && n > 0)
        {
            BatchNormRowKernels.Statistics(x, xOffset, n, c, mean, meanOffset, variance, varOffset);
            return;
        }
        var body = new StatsBody<T> { X = x, XOff = xOffset, N = n, C = c, S = s, Mean = mean, MeanOff = meanOffset, Var = variance, VarOff = varOffset };
        Run(c, (long)n * c * s, body);
    }

    /// <summary>y = (x − mean)·invStd·weight + bias per channel (weight/bias empty arrays when not affine).</summary>
    public static void Normalize<T>(T[] x, int xOffset, T[] y, int yOffset, int n, int c, int s,
        double[] mean, int meanOffset, double[] invStd, int invOffset, T[] weight, int wOffset, T[] bias, int bOffset)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (s == 1)
        {
            BatchNormRowKernels.Normalize(x, xOffset, y, yOffset, n, c, mean, meanOffset, invStd, invOffset, weight, wOffset, bias, bOffset);
            return;
        }
        var body = new NormalizeBody<T>
        {
            X = x, XOff = xOffset, Y = y, YOff = yOffset, N = n, C = c, S = s, Mean = mean, MeanOff = meanOffset,
            Inv = invStd, InvOff = invOffset, W = weight, WOff = wOffset, B = bias, BOff = bOffset,
        };
        Run(c, (long)n * c * s, body);
    }

    /// <summary>
    /// Backward. With <paramref name="batchStats"/> (training) dx = w·invStd·(dy − mean(dy) − x̂·mean(dy·x̂)); otherwise
    /// the statistics are constants and dx = dy·w·invStd. Writes dWeight = Σ dy·x̂ and dBias = Σ dy per channel when
    /// those arrays are non-empty, and dx when <paramref name="dx"/> is non-empty.
    /// </summary>
    public static void Backward<T>(T[] x, int xOffset, T[] dy, int dyOffset, T[] dx, int dxOffset, int n, int c, int s,
        double[] mean, int meanOffset, double[] invStd, int invOffset, T[] weight, int wOffset,
        T[] dWeight, int dwOffset, T[] dBias, int dbOffset, bool batchStats)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (s == 1 && n > 0)
        {
            BatchNormRowKernels.Backward(x, xOffset, dy, dyOffset, dx, dxOffset, n, c, mean, meanOffset, invStd, invOffset,
                weight, wOffset, dWeight, dwOffset, dBias, dbOffset, batchStats);
            return;
        }
        var body = new BackwardBody<T>
        {
            X = x, XOff = xOffset, Dy = dy, DyOff = dyOffset, Dx = dx, DxOff = dxOffset, N = n, C = c, S = s,
            Mean = mean, MeanOff = meanOffset, Inv = invStd, InvOff = invOffset, W = weight, WOff = wOffset,
            Dw = dWeight, DwOff = dwOffset, Db = dBias, DbOff = dbOffset, BatchStats = batchStats,
        };
        Run(c, (long)n * c * s, body);
    }

    private static void Run<TBody>(int channels, long work, in TBody body) where TBody : struct, IParallelBody
    {
        if (work < ParallelThreshold || channels == 1)
        {
            for (int ch = 0; ch < channels; ch++) body.Invoke(ch);
            return;
        }
        ParallelFor.Run(channels, in body);
    }

    private struct StatsBody<T> : IParallelBody where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T[] X;
        public double[] Mean, Var;
        public int XOff, N, C, S, MeanOff, VarOff;

        public readonly void Invoke(int ch)
        {
            double sum = 0;
            for (int i = 0; i < N; i++) sum += RowMath.Sum<T>(X.AsSpan(XOff + (i * C + ch) * S, S));
            long count = (long)N * S;
            double mean = count == 0 ? double.NaN : sum / count;
            // Deviations from the mean rounded to T, corrected exactly afterwards: Σ(x−m)² = Σ(x−m')² − count·(m−m')².
            T shift = T.CreateTruncating(mean);
            double sq = 0;
            for (int i = 0; i < N; i++) sq += RowMath.SumSquaredDeviation<T>(X.AsSpan(XOff + (i * C + ch) * S, S), shift);
            double delta = mean - double.CreateTruncating(shift);
            Mean[MeanOff + ch] = mean;
            Var[VarOff + ch] = count == 0 ? double.NaN : Math.Max(0, sq - count * delta * delta) / count;
        }
    }

    private struct NormalizeBody<T> : IParallelBody where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T[] X, Y, W, B;
        public double[] Mean, Inv;
        public int XOff, YOff, N, C, S, MeanOff, InvOff, WOff, BOff;

        public readonly void Invoke(int ch)
        {
            double w = W.Length == 0 ? 1 : double.CreateTruncating(W[WOff + ch]);
            double b = B.Length == 0 ? 0 : double.CreateTruncating(B[BOff + ch]);
            double alpha = Inv[InvOff + ch] * w;
            T a = T.CreateTruncating(alpha), beta = T.CreateTruncating(b - Mean[MeanOff + ch] * alpha);
            for (int i = 0; i < N; i++)
                RowMath.Affine<T>(X.AsSpan(XOff + (i * C + ch) * S, S), a, default, T.Zero, beta, Y.AsSpan(YOff + (i * C + ch) * S, S));
        }
    }

    private struct BackwardBody<T> : IParallelBody where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T[] X, Dy, Dx, W, Dw, Db;
        public double[] Mean, Inv;
        public int XOff, DyOff, DxOff, N, C, S, MeanOff, InvOff, WOff, DwOff, DbOff;
        public bool BatchStats;

        public readonly void Invoke(int ch)
        {
            double mean = Mean[MeanOff + ch], inv = Inv[InvOff + ch];
            double w = W.Length == 0 ? 1 : double.CreateTruncating(W[WOff + ch]);
            T shift = T.CreateTruncating(mean);
            double sumDy = 0, sumDyXs = 0;
            for (int i = 0; i < N; i++)
            {
                int at = (i * C + ch) * S;
                var (g, gx) = RowMath.SumAndDot<T>(Dy.AsSpan(DyOff + at, S), X.AsSpan(XOff + at, S), shift);
                sumDy += g;
                sumDyXs += gx;
            }
            // Σ dy·(x − mean) from the shifted sum: Σ dy·(x − m') + (m' − mean)·Σ dy.
            double sumDyXhat = inv * (sumDyXs + (double.CreateTruncating(shift) - mean) * sumDy);
            if (Dw.Length != 0) Dw[DwOff + ch] = T.CreateTruncating(sumDyXhat);
            if (Db.Length != 0) Db[DbOff + ch] = T.CreateTruncating(sumDy);
            if (Dx.Length == 0) return;
            double k1 = w * inv;
            T a = T.CreateTruncating(k1), b = T.Zero, c = T.Zero;
            if (BatchStats)
            {
                // dx = k1·(dy − mean(dy) − x̂·mean(dy·x̂)), x̂ = (x − mean)·inv, rewritten as a·dy + b·x + c.
                double m = (double)N * S, meanDy = sumDy / m, meanDyXhat = sumDyXhat / m;
                b = T.CreateTruncating(-k1 * inv * meanDyXhat);
                c = T.CreateTruncating(-k1 * meanDy + k1 * inv * meanDyXhat * mean);
            }
            for (int i = 0; i < N; i++)
            {
                int at = (i * C + ch) * S;
                RowMath.Affine<T>(Dy.AsSpan(DyOff + at, S), a, BatchStats ? X.AsSpan(XOff + at, S) : default, b, c, Dx.AsSpan(DxOff + at, S));
            }
        }
    }
}

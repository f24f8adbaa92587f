using System.Numerics;

namespace Descent.Kernels.Normalization;

/// <summary>
/// Batch normalization (Ioffe &amp; Szegedy 2015) over a contiguous [N, C, S] block (S = product of spatial
/// dims): statistics per channel c over N·S elements, accumulated in double. Channels run in parallel when
/// the block is large.
/// </summary>
public static class BatchNormKernels
{
    /// <summary>Below this many elements everything runs on the calling thread.</summary>
    public const int ParallelThreshold = 1 << 15;

    /// <summary>Per-channel mean and biased variance (two passes in double).</summary>
    public static void Statistics<T>(T[] x, int xOffset, int n, int c, int s, double[] mean, int meanOffset, double[] variance, int varOffset)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var body = new StatsBody<T> { X = x, XOff = xOffset, N = n, C = c, S = s, Mean = mean, MeanOff = meanOffset, Var = variance, VarOff = varOffset };
        Run(c, (long)n * c * s, body);
    }

    /// <summary>y = (x − mean)·invStd·weight + bias per channel (weight/bias empty arrays when not affine).</summary>
    public static void Normalize<T>(T[] x, int xOffset, T[] y, int yOffset, int n, int c, int s,
        double[] mean, int meanOffset, double[] invStd, int invOffset, T[] weight, int wOffset, T[] bias, int bOffset)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
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
            for (int i = 0; i < N; i++)
            {
                var row = X.AsSpan(XOff + (i * C + ch) * S, S);
                for (int k = 0; k < row.Length; k++) sum += double.CreateTruncating(row[k]);
            }
            long count = (long)N * S;
            double mean = count == 0 ? double.NaN : sum / count;
            double sq = 0;
            for (int i = 0; i < N; i++)
            {
                var row = X.AsSpan(XOff + (i * C + ch) * S, S);
                for (int k = 0; k < row.Length; k++)
                {
                    double d = double.CreateTruncating(row[k]) - mean;
                    sq += d * d;
                }
            }
            Mean[MeanOff + ch] = mean;
            Var[VarOff + ch] = count == 0 ? double.NaN : sq / count;
        }
    }

    private struct NormalizeBody<T> : IParallelBody where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T[] X, Y, W, B;
        public double[] Mean, Inv;
        public int XOff, YOff, N, C, S, MeanOff, InvOff, WOff, BOff;

        public readonly void Invoke(int ch)
        {
            double mean = Mean[MeanOff + ch], inv = Inv[InvOff + ch];
            double w = W.Length == 0 ? 1 : double.CreateTruncating(W[WOff + ch]);
            double b = B.Length == 0 ? 0 : double.CreateTruncating(B[BOff + ch]);
            for (int i = 0; i < N; i++)
            {
                var xs = X.AsSpan(XOff + (i * C + ch) * S, S);
                var ys = Y.AsSpan(YOff + (i * C + ch) * S, S);
                for (int k = 0; k < xs.Length; k++)
                    ys[k] = T.CreateTruncating((double.CreateTruncating(xs[k]) - mean) * inv * w + b);
            }
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
            double sumDy = 0, sumDyXhat = 0;
            for (int i = 0; i < N; i++)
            {
                var xs = X.AsSpan(XOff + (i * C + ch) * S, S);
                var gs = Dy.AsSpan(DyOff + (i * C + ch) * S, S);
                for (int k = 0; k < xs.Length; k++)
                {
                    double g = double.CreateTruncating(gs[k]);
                    sumDy += g;
                    sumDyXhat += g * (double.CreateTruncating(xs[k]) - mean) * inv;
                }
            }
            if (Dw.Length != 0) Dw[DwOff + ch] = T.CreateTruncating(sumDyXhat);
            if (Db.Length != 0) Db[DbOff + ch] = T.CreateTruncating(sumDy);
            if (Dx.Length == 0) return;
            double m = (double)N * S;
            double k1 = w * inv, meanDy = sumDy / m, meanDyXhat = sumDyXhat / m;
            for (int i = 0; i < N; i++)
            {
                var xs = X.AsSpan(XOff + (i * C + ch) * S, S);
                var gs = Dy.AsSpan(DyOff + (i * C + ch) * S, S);
                var ds = Dx.AsSpan(DxOff + (i * C + ch) * S, S);
                for (int k = 0; k < xs.Length; k++)
                {
                    double g = double.CreateTruncating(gs[k]);
                    if (BatchStats)
                    {
                        double xhat = (double.CreateTruncating(xs[k]) - mean) * inv;
                        ds[k] = T.CreateTruncating(k1 * (g - meanDy - xhat * meanDyXhat));
                    }
                    else
                    {
                        ds[k] = T.CreateTruncating(k1 * g);
                    }
                }
            }
        }
    }
}

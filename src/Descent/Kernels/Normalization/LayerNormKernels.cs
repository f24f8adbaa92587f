using System.Numerics;

namespace Descent.Kernels.Normalization;

/// <summary>
/// Layer normalization (Ba et al. 2016) of R rows of width M (the trailing normalized dims): biased
/// statistics per row, accumulated in double; rows run in parallel when the block is large.
/// </summary>
public static class LayerNormKernels
{
    /// <summary>Below this many elements everything runs on the calling thread.</summary>
    public const int ParallelThreshold = 1 << 15;

    /// <summary>y = (x − mean)·invStd·w + b per row; stores each row's mean and invStd (w/b empty when not affine).</summary>
    public static void Forward<T>(T[] x, int xOffset, T[] y, int yOffset, int rows, int width, double eps,
        T[] weight, int wOffset, T[] bias, int bOffset, double[] mean, double[] invStd, int statsOffset)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var body = new ForwardBody<T>
        {
            X = x, XOff = xOffset, Y = y, YOff = yOffset, M = width, Eps = eps, W = weight, WOff = wOffset,
            B = bias, BOff = bOffset, Mean = mean, Inv = invStd, StatsOff = statsOffset,
        };
        if ((long)rows * width < ParallelThreshold || rows == 1)
            for (int r = 0; r < rows; r++) body.Invoke(r);
        else
            ParallelFor.Run(rows, in body);
    }

    /// <summary>
    /// dx = invStd·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)) with ĝ = dy·w, per row (when dx is non-empty); dWeight = Σ_rows dy·x̂
    /// and dBias = Σ_rows dy (overwritten, when non-empty).
    /// </summary>
    public static void Backward<T>(T[] x, int xOffset, T[] dy, int dyOffset, T[] dx, int dxOffset, int rows, int width,
        T[] weight, int wOffset, double[] mean, double[] invStd, int statsOffset,
        T[] dWeight, int dwOffset, T[] dBias, int dbOffset)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (dx.Length != 0)
        {
            var body = new BackwardBody<T>
            {
                X = x, XOff = xOffset, Dy = dy, DyOff = dyOffset, Dx = dx, DxOff = dxOffset, M = width,
                W = weight, WOff = wOffset, Mean = mean, Inv = invStd, StatsOff = statsOffset,
            };
            if ((long)rows * width < ParallelThreshold || rows == 1)
                for (int r = 0; r < rows; r++) body.Invoke(r);
            else
                ParallelFor.Run(rows, in body);
        }
        if (dWeight.Length == 0 && dBias.Length == 0) return;
        var accW = dWeight.Length != 0 ? new double[width] : [];
        var accB = dBias.Length != 0 ? new double[width] : [];
        for (int r = 0; r < rows; r++)
        {
            var xs = x.AsSpan(xOffset + r * width, width);
            var gs = dy.AsSpan(dyOffset + r * width, width);
            double m = mean[statsOffset + r], inv = invStd[statsOffset + r];
            for (int k = 0; k < width; k++)
            {
                double g = double.CreateTruncating(gs[k]);
                if (accW.Length != 0) accW[k] += g * (double.CreateTruncating(xs[k]) - m) * inv;
                if (accB.Length != 0) accB[k] += g;
            }
        }
        for (int k = 0; k < width; k++)
        {
            if (accW.Length != 0) dWeight[dwOffset + k] = T.CreateTruncating(accW[k]);
            if (accB.Length != 0) dBias[dbOffset + k] = T.CreateTruncating(accB[k]);
        }
    }

    private struct ForwardBody<T> : IParallelBody where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T[] X, Y, W, B;
        public double[] Mean, Inv;
        public int XOff, YOff, M, WOff, BOff, StatsOff;
        public double Eps;

        public readonly void Invoke(int r)
        {
            var xs = X.AsSpan(XOff + r * M, M);
            var ys = Y.AsSpan(YOff + r * M, M);
            double sum = 0;
            for (int k = 0; k < M; k++) sum += double.CreateTruncating(xs[k]);
            double mean = sum / M, sq = 0;
            for (int k = 0; k < M; k++)
            {
                double d = double.CreateTruncating(xs[k]) - mean;
                sq += d * d;
            }
            double inv = 1.0 / Math.Sqrt(sq / M + Eps);
            Mean[StatsOff + r] = mean;
            Inv[StatsOff + r] = inv;
            for (int k = 0; k < M; k++)
            {
                double v = (double.CreateTruncating(xs[k]) - mean) * inv;
                if (W.Length != 0) v *= double.CreateTruncating(W[WOff + k]);
                if (B.Length != 0) v += double.CreateTruncating(B[BOff + k]);
                ys[k] = T.CreateTruncating(v);
            }
        }
    }

    private struct BackwardBody<T> : IParallelBody where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T[] X, Dy, Dx, W;
        public double[] Mean, Inv;
        public int XOff, DyOff, DxOff, M, WOff, StatsOff;

        public readonly void Invoke(int r)
        {
            var xs = X.AsSpan(XOff + r * M, M);
            var gs = Dy.AsSpan(DyOff + r * M, M);
            var ds = Dx.AsSpan(DxOff + r * M, M);
            double mean = Mean[StatsOff + r], inv = Inv[StatsOff + r];
            double a = 0, b = 0;
            for (int k = 0; k < M; k++)
            {
                double g = double.CreateTruncating(gs[k]);
                if (W.Length != 0) g *= double.CreateTruncating(W[WOff + k]);
                a += g;
                b += g * (double.CreateTruncating(xs[k]) - mean) * inv;
            }
            a /= M;
            b /= M;
            for (int k = 0; k < M; k++)
            {
                double g = double.CreateTruncating(gs[k]);
                if (W.Length != 0) g *= double.CreateTruncating(W[WOff + k]);
                double xhat = (double.CreateTruncating(xs[k]) - mean) * inv;
                ds[k] = T.CreateTruncating(inv * (g - a - xhat * b));
            }
        }
    }
}

using System.Buffers;
using System.Numerics;

namespace Descent.Kernels.Normalization;

/// <summary>
/// Layer normalization (Ba et al. 2016) of R rows of width M (the trailing normalized dims): biased statistics
/// per row (SIMD, returned in double); rows run in parallel when the block is large.
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
        var dw = dWeight.Length != 0 ? dWeight.AsSpan(dwOffset, width) : default;
        var db = dBias.Length != 0 ? dBias.AsSpan(dbOffset, width) : default;
        dw.Clear();
        db.Clear();
        var xhat = ArrayPool<T>.Shared.Rent(width);
        try
        {
            var xh = xhat.AsSpan(0, width);
            for (int r = 0; r < rows; r++)
            {
                var gs = dy.AsSpan(dyOffset + r * width, width);
                if (!db.IsEmpty) RowMath.Affine<T>(gs, T.One, db, T.One, T.Zero, db);
                if (dw.IsEmpty) continue;
                double m = mean[statsOffset + r], inv = invStd[statsOffset + r];
                RowMath.Affine<T>(x.AsSpan(xOffset + r * width, width), T.CreateTruncating(inv), default, T.Zero, T.CreateTruncating(-m * inv), xh);
                RowMath.MultiplyAdd<T>(gs, xh, dw, dw);
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(xhat);
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
            double mean = RowMath.Sum<T>(xs) / M;
            T shift = T.CreateTruncating(mean);
            double delta = mean - double.CreateTruncating(shift);
            double variance = Math.Max(0, RowMath.SumSquaredDeviation<T>(xs, shift) - M * delta * delta) / M;
            double inv = 1.0 / Math.Sqrt(variance + Eps);
            Mean[StatsOff + r] = mean;
            Inv[StatsOff + r] = inv;
            RowMath.Affine<T>(xs, T.CreateTruncating(inv), default, T.Zero, T.CreateTruncating(-mean * inv), ys);
            if (W.Length != 0)
                RowMath.MultiplyAdd<T>(ys, W.AsSpan(WOff, M), B.Length != 0 ? B.AsSpan(BOff, M) : default, ys);
            else if (B.Length != 0)
                RowMath.Affine<T>(ys, T.One, B.AsSpan(BOff, M), T.One, T.Zero, ys);
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
            var ds = Dx.AsSpan(DxOff + r * M, M);
            var gs = Dy.AsSpan(DyOff + r * M, M);
            // ĝ = dy·w, kept in dx.
            if (W.Length != 0) RowMath.MultiplyAdd<T>(gs, W.AsSpan(WOff, M), default, ds);
            else gs.CopyTo(ds);
            double mean = Mean[StatsOff + r], inv = Inv[StatsOff + r];
            T shift = T.CreateTruncating(mean);
            var (sumG, sumGXs) = RowMath.SumAndDot<T>(ds, xs, shift);
            double sumGXhat = inv * (sumGXs + (double.CreateTruncating(shift) - mean) * sumG);
            // dx = inv·ĝ − inv·mean(ĝ) − inv·x̂·mean(ĝ·x̂) = inv·ĝ + b·x + c.
            double b = -inv * inv * sumGXhat / M;
            double c = -inv * sumG / M + inv * inv * sumGXhat / M * mean;
            RowMath.Affine<T>(ds, T.CreateTruncating(inv), xs, T.CreateTruncating(b), T.CreateTruncating(c), ds);
        }
    }
}

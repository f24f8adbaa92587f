using System.Buffers;
using System.Numerics;

namespace Descent.Kernels.Normalization;

/// <summary>
/// Batch normalization of [N, C] inputs (BatchNorm1d on 2-D data, S = 1), walked row by row so every pass is a
/// contiguous SIMD sweep over the channels instead of a strided walk per channel. Partial sums over blocks of
/// <see cref="Block"/> rows are kept in the element type and flushed into double accumulators.
/// </summary>
internal static class BatchNormRowKernels
{
    /// <summary>Rows summed in the element type before flushing into double.</summary>
    public const int Block = 32;

    public static void Statistics<T>(T[] x, int xOffset, int n, int c, double[] mean, int meanOffset, double[] variance, int varOffset)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var accD = ArrayPool<double>.Shared.Rent(c);
        var acc = ArrayPool<T>.Shared.Rent(c);
        var shift = ArrayPool<T>.Shared.Rent(c);
        try
        {
            var sums = accD.AsSpan(0, c);
            ColumnSums(x, xOffset, n, c, default, acc.AsSpan(0, c), sums, square: false);
            var m = mean.AsSpan(meanOffset, c);
            var sh = shift.AsSpan(0, c);
            for (int j = 0; j < c; j++)
            {
                m[j] = sums[j] / n;
                sh[j] = T.CreateTruncating(m[j]);
            }
            ColumnSums(x, xOffset, n, c, sh, acc.AsSpan(0, c), sums, square: true);
            var v = variance.AsSpan(varOffset, c);
            for (int j = 0; j < c; j++)
            {
                double delta = m[j] - double.CreateTruncating(sh[j]);
                v[j] = Math.Max(0, sums[j] - n * delta * delta) / n;
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(accD);
            ArrayPool<T>.Shared.Return(acc);
            ArrayPool<T>.Shared.Return(shift);
        }
    }

    public static void Normalize<T>(T[] x, int xOffset, T[] y, int yOffset, int n, int c,
        double[] mean, int meanOffset, double[] invStd, int invOffset, T[] weight, int wOffset, T[] bias, int bOffset)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var alpha = ArrayPool<T>.Shared.Rent(c);
        var beta = ArrayPool<T>.Shared.Rent(c);
        try
        {
            for (int j = 0; j < c; j++)
            {
                double w = weight.Length == 0 ? 1 : double.CreateTruncating(weight[wOffset + j]);
                double b = bias.Length == 0 ? 0 : double.CreateTruncating(bias[bOffset + j]);
                double a = invStd[invOffset + j] * w;
                alpha[j] = T.CreateTruncating(a);
                beta[j] = T.CreateTruncating(b - mean[meanOffset + j] * a);
            }
            for (int i = 0; i < n; i++)
                RowMath.MultiplyAdd<T>(x.AsSpan(xOffset + i * c, c), alpha.AsSpan(0, c), beta.AsSpan(0, c), y.AsSpan(yOffset + i * c, c));
        }
        finally
        {
            ArrayPool<T>.Shared.Return(alpha);
            ArrayPool<T>.Shared.Return(beta);
        }
    }

    public static void Backward<T>(T[] x, int xOffset, T[] dy, int dyOffset, T[] dx, int dxOffset, int n, int c,
        double[] mean, int meanOffset, double[] invStd, int invOffset, T[] weight, int wOffset,
        T[] dWeight, int dwOffset, T[] dBias, int dbOffset, bool batchStats)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var sumG = ArrayPool<double>.Shared.Rent(c);
        var sumGX = ArrayPool<double>.Shared.Rent(c);
        var acc = ArrayPool<T>.Shared.Rent(c);
        var acc2 = ArrayPool<T>.Shared.Rent(c);
        var shift = ArrayPool<T>.Shared.Rent(c);
        var coefA = ArrayPool<T>.Shared.Rent(c);
        var coefB = ArrayPool<T>.Shared.Rent(c);
        var coefC = ArrayPool<T>.Shared.Rent(c);
        try
        {
            var sh = shift.AsSpan(0, c);
            for (int j = 0; j < c; j++) sh[j] = T.CreateTruncating(mean[meanOffset + j]);
            var sg = sumG.AsSpan(0, c);
            var sgx = sumGX.AsSpan(0, c);
            GradientSums(x, xOffset, dy, dyOffset, n, c, sh, acc.AsSpan(0, c), acc2.AsSpan(0, c), sg, sgx);
            for (int j = 0; j < c; j++)
            {
                double m = mean[meanOffset + j], inv = invStd[invOffset + j];
                double w = weight.Length == 0 ? 1 : double.CreateTruncating(weight[wOffset + j]);
                // Σ dy·(x − mean) from the shifted sum, then Σ dy·x̂.
                double sumDyXhat = inv * (sgx[j] + (double.CreateTruncating(sh[j]) - m) * sg[j]);
                if (dWeight.Length != 0) dWeight[dwOffset + j] = T.CreateTruncating(sumDyXhat);
                if (dBias.Length != 0) dBias[dbOffset + j] = T.CreateTruncating(sg[j]);
                double k1 = w * inv, b = 0, cc = 0;
                if (batchStats)
                {
                    double meanDy = sg[j] / n, meanDyXhat = sumDyXhat / n;
                    b = -k1 * inv * meanDyXhat;
                    cc = -k1 * meanDy + k1 * inv * meanDyXhat * m;
                }
                coefA[j] = T.CreateTruncating(k1);
                coefB[j] = T.CreateTruncating(b);
                coefC[j] = T.CreateTruncating(cc);
            }
            if (dx.Length == 0) return;
            // dx = A·dy + B·x + C per channel.
            for (int i = 0; i < n; i++)
            {
                var row = dx.AsSpan(dxOffset + i * c, c);
                RowMath.MultiplyAdd<T>(dy.AsSpan(dyOffset + i * c, c), coefA.AsSpan(0, c), coefC.AsSpan(0, c), row);
                if (batchStats) RowMath.MultiplyAdd<T>(x.AsSpan(xOffset + i * c, c), coefB.AsSpan(0, c), row, row);
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(sumG);
            ArrayPool<double>.Shared.Return(sumGX);
            foreach (var a in new[] { acc, acc2, shift, coefA, coefB, coefC }) ArrayPool<T>.Shared.Return(a);
        }
    }

    /// <summary>sums[j] = Σ_i x[i, j] (or Σ_i (x[i, j] − shift[j])² when <paramref name="square"/>).</summary>
    private static void ColumnSums<T>(T[] x, int xOffset, int n, int c, ReadOnlySpan<T> shift, Span<T> acc, Span<double> sums, bool square)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        sums.Clear();
        for (int start = 0; start < n; start += Block)
        {
            acc.Clear();
            int end = Math.Min(n, start + Block);
            for (int i = start; i < end; i++)
            {
                var row = x.AsSpan(xOffset + i * c, c);
                if (square) RowMath.AccumulateSquaredDeviation<T>(row, shift, acc);
                else RowMath.Affine<T>(row, T.One, acc, T.One, T.Zero, acc);
            }
            for (int j = 0; j < c; j++) sums[j] += double.CreateTruncating(acc[j]);
        }
    }

    /// <summary>sumG[j] = Σ_i dy[i, j], sumGX[j] = Σ_i dy[i, j]·(x[i, j] − shift[j]).</summary>
    private static void GradientSums<T>(T[] x, int xOffset, T[] dy, int dyOffset, int n, int c, ReadOnlySpan<T> shift,
        Span<T> acc, Span<T> acc2, Span<double> sumG, Span<double> sumGX)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        sumG.Clear();
        sumGX.Clear();
        for (int start = 0; start < n; start += Block)
        {
            acc.Clear();
            acc2.Clear();
            int end = Math.Min(n, start + Block);
            for (int i = start; i < end; i++)
            {
                var g = dy.AsSpan(dyOffset + i * c, c);
                RowMath.Affine<T>(g, T.One, acc, T.One, T.Zero, acc);
                RowMath.AccumulateProductOfDeviation<T>(g, x.AsSpan(xOffset + i * c, c), shift, acc2);
            }
            for (int j = 0; j < c; j++)
            {
                sumG[j] += double.CreateTruncating(acc[j]);
                sumGX[j] += double.CreateTruncating(acc2[j]);
            }
        }
    }
}

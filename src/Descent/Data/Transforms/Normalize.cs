using System.Numerics;
using System.Numerics.Tensors;
using Descent.Tensors;
using Tensor = Descent.Tensors.Tensor;

namespace Descent.Data;

/// <summary>
/// x ← (x − mean) / std, globally or per channel (channel = dim 1 of a <c>[B, C, ...]</c> batch, i.e. per feature
/// of a <c>[B, F]</c> batch), like torchvision's <c>Normalize</c>: subtract then divide, so results match PyTorch
/// bit for bit. <see cref="Fit"/> computes the statistics from training data (scikit-learn's StandardScaler).
/// </summary>
public sealed class Normalize : IBatchTransform
{
    private readonly double[] _mean;
    private readonly double[] _std;
    private float[]? _mean32, _std32;
    private double[]? _mean64, _std64;

    /// <summary>One mean and standard deviation for every element.</summary>
    public Normalize(double mean, double std) : this([mean], [std], perChannel: false)
    {
    }

    /// <summary>A mean and standard deviation per channel (dim 1 of the batch).</summary>
    public Normalize(double[] mean, double[] std) : this(mean, std, perChannel: true)
    {
    }

    private Normalize(double[] mean, double[] std, bool perChannel)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(std);
        if (mean.Length == 0 || mean.Length != std.Length)
            throw new ArgumentException($"Normalize: needs as many means as stds (at least one), got {mean.Length} and {std.Length}.");
        foreach (double s in std)
            if (!(s > 0) || double.IsInfinity(s))
                throw new ArgumentOutOfRangeException(nameof(std), s, "Normalize: every std must be positive and finite.");
        _mean = (double[])mean.Clone();
        _std = (double[])std.Clone();
        PerChannel = perChannel;
    }

    /// <summary>True when mean/std apply per channel (dim 1).</summary>
    public bool PerChannel { get; }

    /// <summary>The means.</summary>
    public IReadOnlyList<double> Mean => _mean;

    /// <summary>The standard deviations.</summary>
    public IReadOnlyList<double> Std => _std;

    /// <summary>
    /// Per-channel statistics of <paramref name="data"/> <c>[N, C, ...]</c> (population std over every dim but 1);
    /// a constant channel gets std 1, as scikit-learn does, so it maps to 0 instead of dividing by zero.
    /// </summary>
    public static Normalize Fit(Tensor data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Rank < 2 || data.Shape[0] == 0)
            throw new ArgumentException($"Normalize.Fit: expected data [N, C, ...] with N > 0, got {data.Shape}.");
        int n = data.Shape[0], channels = data.Shape[1], inner = data.Numel / (n * channels);
        var values = data.ToDoubleArray();
        var mean = new double[channels];
        var std = new double[channels];
        for (int c = 0; c < channels; c++)
        {
            double sum = 0;
            for (int b = 0; b < n; b++)
                for (int k = 0; k < inner; k++) sum += values[(b * channels + c) * inner + k];
            double m = sum / ((double)n * inner), sq = 0;
            for (int b = 0; b < n; b++)
                for (int k = 0; k < inner; k++)
                {
                    double d = values[(b * channels + c) * inner + k] - m;
                    sq += d * d;
                }
            mean[c] = m;
            double s = Math.Sqrt(sq / ((double)n * inner));
            std[c] = s > 0 && double.IsFinite(s) ? s : 1;
        }
        return new Normalize(mean, std);
    }

    /// <inheritdoc/>
    public Tensor Apply(Tensor batch, TransformContext context)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(context);
        batch.RequireFloat("Normalize");
        int channels = 1, inner = batch.Numel, outer = 1;
        if (PerChannel)
        {
            if (batch.Rank < 2 || batch.Shape[1] != _mean.Length)
                throw new ArgumentException(
                    $"Normalize: {_mean.Length} channel means/stds for a batch of shape {batch.Shape} (channels are dim 1 of [B, C, ...]).");
            outer = batch.Shape[0];
            channels = batch.Shape[1];
            inner = outer * channels == 0 ? 0 : batch.Numel / (outer * channels);
        }
        var x = context.Writable(batch);
        if (x.DType == DType.Float32)
            Run(x.Span<float>(), outer, channels, inner, _mean32 ??= Convert<float>(_mean), _std32 ??= Convert<float>(_std));
        else
            Run(x.Span<double>(), outer, channels, inner, _mean64 ??= _mean, _std64 ??= _std);
        return x;
    }

    private static void Run<T>(Span<T> x, int outer, int channels, int inner, T[] mean, T[] std)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (inner == 1)
        {
            // Tabular [B, F]: one vectorized pass per row against the mean and std vectors.
            for (int b = 0; b < outer; b++)
            {
                var row = x.Slice(b * channels, channels);
                TensorPrimitives.Subtract(row, mean, row);
                TensorPrimitives.Divide(row, std, row);
            }
            return;
        }
        for (int b = 0; b < outer; b++)
            for (int c = 0; c < channels; c++)
            {
                var plane = x.Slice((b * channels + c) * inner, inner);
                TensorPrimitives.Subtract(plane, mean[c], plane);
                TensorPrimitives.Divide(plane, std[c], plane);
            }
    }

    private static T[] Convert<T>(double[] values) where T : unmanaged, IFloatingPointIeee754<T> =>
        Array.ConvertAll(values, v => T.CreateTruncating(v));
}

using System.Numerics;
using System.Numerics.Tensors;
using Descent.Tensors;
using Tensor = Descent.Tensors.Tensor;

namespace Descent.Data;

/// <summary>
/// x ← (x − mean) / std, globally or per channel (channel = dim 1 of a <c>[B, C, ...]</c> batch), like
/// torchvision's <c>Normalize</c>: subtract then divide, so results match PyTorch bit for bit.
/// </summary>
public sealed class Normalize : IBatchTransform
{
    private readonly double[] _mean;
    private readonly double[] _std;

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
            inner = batch.Numel / Math.Max(outer * channels, 1);
        }
        var x = context.Writable(batch);
        if (x.DType == DType.Float32) Run<float>(x.Span<float>(), outer, channels, inner);
        else Run<double>(x.Span<double>(), outer, channels, inner);
        return x;
    }

    private void Run<T>(Span<T> x, int outer, int channels, int inner) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int b = 0; b < outer; b++)
            for (int c = 0; c < channels; c++)
            {
                var row = x.Slice((b * channels + c) * inner, inner);
                T mean = T.CreateTruncating(_mean[c]), std = T.CreateTruncating(_std[c]);
                TensorPrimitives.Subtract(row, mean, row);
                TensorPrimitives.Divide(row, std, row);
            }
    }
}

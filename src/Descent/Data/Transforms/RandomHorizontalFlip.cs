using Descent.Tensors;

namespace Descent.Data;

/// <summary>
/// Mirrors each sample along its last dim (width of <c>[B, C, H, W]</c>) with probability <see cref="P"/>
/// (torchvision's <c>RandomHorizontalFlip</c>). One draw per sample, whatever the outcome, so the random stream
/// depends only on the batch size.
/// </summary>
public sealed class RandomHorizontalFlip : IBatchTransform
{
    /// <summary>Flips with probability <paramref name="p"/> (default 0.5, as torchvision).</summary>
    public RandomHorizontalFlip(double p = 0.5)
    {
        if (!(p >= 0 && p <= 1))
            throw new ArgumentOutOfRangeException(nameof(p), p, "RandomHorizontalFlip: p must be in [0, 1].");
        P = p;
    }

    /// <summary>Probability of flipping a sample.</summary>
    public double P { get; }

    /// <inheritdoc/>
    public Tensor Apply(Tensor batch, TransformContext context)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(context);
        if (batch.Rank < 3)
            throw new ArgumentException($"RandomHorizontalFlip: expected images [B, ..., H, W], got {batch.Shape}.");
        var x = context.Writable(batch);
        int b = x.Shape[0], width = x.Shape[-1];
        int sampleSize = b == 0 ? 0 : x.Numel / b;
        switch (x.DType)
        {
            case DType.Float32: Run(x.Span<float>(), b, sampleSize, width, context.Generator); break;
            case DType.Float64: Run(x.Span<double>(), b, sampleSize, width, context.Generator); break;
            case DType.Int64: Run(x.Span<long>(), b, sampleSize, width, context.Generator); break;
            case DType.Bool: Run(x.Span<bool>(), b, sampleSize, width, context.Generator); break;
        }
        return x;
    }

    private void Run<T>(Span<T> x, int batch, int sampleSize, int width, Generator rng) where T : unmanaged
    {
        for (int s = 0; s < batch; s++)
        {
            if (rng.NextDouble() >= P) continue;
            var sample = x.Slice(s * sampleSize, sampleSize);
            for (int r = 0; r < sampleSize; r += width)
                sample.Slice(r, width).Reverse();
        }
    }
}

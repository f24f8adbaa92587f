using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using Descent.Tensors;

namespace Descent.Compression.Quantization;

/// <summary>
/// PyTorch's MinMaxObserver (per tensor) and MovingAverageMinMaxObserver (<see cref="AveragingConstant"/> set): the
/// running minimum and maximum of everything observed, or from the second batch on an exponential moving average
/// m ← m + c·(batch_min − m) in float32.
/// </summary>
public sealed class MinMaxObserver : Observer
{
    /// <summary>A min/max observer; <paramref name="averagingConstant"/> makes it the moving-average one (PyTorch's default there is 0.01).</summary>
    public MinMaxObserver(QuantizedType type = QuantizedType.QUInt8, QScheme scheme = QScheme.PerTensorAffine, bool reduceRange = false,
        int? quantMin = null, int? quantMax = null, float eps = QParamsMath.Eps, double? averagingConstant = null)
        : base(type, scheme, reduceRange, quantMin, quantMax, eps)
    {
        if (scheme.IsPerChannel())
            throw new ArgumentException($"MinMaxObserver is per tensor; use PerChannelMinMaxObserver for {scheme.TorchName()}.", nameof(scheme));
        if (averagingConstant is double c && !(c > 0 && c <= 1))
            throw new ArgumentOutOfRangeException(nameof(averagingConstant), c, "averaging_constant must be in (0, 1].");
        AveragingConstant = averagingConstant;
    }

    /// <summary>The moving-average constant, or null for the plain running min/max.</summary>
    public double? AveragingConstant { get; }

    /// <summary>Smallest value seen (or its moving average); +∞ before any data.</summary>
    public float MinVal { get; private set; } = float.PositiveInfinity;

    /// <summary>Largest value seen (or its moving average); −∞ before any data.</summary>
    public float MaxVal { get; private set; } = float.NegativeInfinity;

    /// <inheritdoc/>
    protected override void Update(Tensor x)
    {
        var span = x.Span<float>();
        float min = TensorPrimitives.Min(span), max = TensorPrimitives.Max(span);
        if (AveragingConstant is double c && !float.IsPositiveInfinity(MinVal))
        {
            // PyTorch multiplies a float32 buffer by the Python float, i.e. by c rounded to float32.
            float cf = (float)c;
            MinVal += cf * (min - MinVal);
            MaxVal += cf * (max - MaxVal);
        }
        else if (AveragingConstant is not null)
        {
            (MinVal, MaxVal) = (min, max);
        }
        else
        {
            MinVal = MathF.Min(MinVal, min);
            MaxVal = MathF.Max(MaxVal, max);
        }
    }

    /// <inheritdoc/>
    public override QuantParams CalculateQParams()
    {
        var (scale, zp) = QParamsOf(MinVal, MaxVal);
        return new QuantParams([scale], [zp], null, Type, QuantMin, QuantMax);
    }
}

using Descent.Tensors;

namespace Descent.Compression.Quantization;

/// <summary>
/// A per-tensor observer that ignores outliers, for activations: each observed tensor contributes its lower and upper
/// percentile (the (100 − p)-th and p-th, linear interpolation between order statistics as numpy's and
/// torch.quantile's default), and the range is the mean of those over all observed tensors — percentile calibration
/// as TensorRT's, averaged per batch. Not a PyTorch observer (PyTorch's HistogramObserver searches for the range with
/// the least quantization error instead); values beyond the range are clamped by quantization.
/// </summary>
public sealed class PercentileObserver : Observer
{
    private double _lowSum, _highSum;

    /// <summary>An observer keeping the <paramref name="percentile"/>-th percentile range (in (50, 100]; 100 keeps the min/max).</summary>
    public PercentileObserver(double percentile = 99.99, QuantizedType type = QuantizedType.QUInt8, QScheme scheme = QScheme.PerTensorAffine,
        bool reduceRange = false, int? quantMin = null, int? quantMax = null, float eps = QParamsMath.Eps)
        : base(type, scheme, reduceRange, quantMin, quantMax, eps)
    {
        if (scheme.IsPerChannel())
            throw new ArgumentException($"PercentileObserver is per tensor, not {scheme.TorchName()}.", nameof(scheme));
        if (!(percentile > 50 && percentile <= 100))
            throw new ArgumentOutOfRangeException(nameof(percentile), percentile, "PercentileObserver: the percentile must be in (50, 100].");
        Percentile = percentile;
    }

    /// <summary>The upper percentile kept (the lower one is 100 − it).</summary>
    public double Percentile { get; }

    /// <summary>Number of tensors observed.</summary>
    public int Count { get; private set; }

    /// <summary>Mean lower percentile; +∞ before any data.</summary>
    public float MinVal => Count == 0 ? float.PositiveInfinity : (float)(_lowSum / Count);

    /// <summary>Mean upper percentile; −∞ before any data.</summary>
    public float MaxVal => Count == 0 ? float.NegativeInfinity : (float)(_highSum / Count);

    /// <inheritdoc/>
    protected override void Update(Tensor x)
    {
        var sorted = x.ToArray<float>();
        Array.Sort(sorted);
        if (float.IsNaN(sorted[0]))
            throw new ArgumentException($"PercentileObserver: the observed tensor {x.Shape} holds NaN.", nameof(x));
        _lowSum += Quantile(sorted, (100 - Percentile) / 100);
        _highSum += Quantile(sorted, Percentile / 100);
        Count++;
    }

    private static double Quantile(float[] sorted, double q)
    {
        double position = q * (sorted.Length - 1);
        int i = (int)Math.Floor(position);
        int j = Math.Min(i + 1, sorted.Length - 1);
        return sorted[i] + (sorted[j] - (double)sorted[i]) * (position - i);
    }

    /// <inheritdoc/>
    public override QuantParams CalculateQParams()
    {
        var (scale, zp) = QParamsOf(MinVal, MaxVal);
        return new QuantParams([scale], [zp], null, Type, QuantMin, QuantMax);
    }
}

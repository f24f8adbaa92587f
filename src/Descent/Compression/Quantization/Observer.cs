using Descent.Tensors;

namespace Descent.Compression.Quantization;

/// <summary>
/// Watches the tensors that pass through it and derives quantization parameters from what it saw (PyTorch's
/// torch.ao.quantization observers). Statistics are kept in float32, as PyTorch's float32 observer buffers are, so
/// the resulting scales and zero points match PyTorch's bit for bit.
/// </summary>
public abstract class Observer
{
    /// <summary>Configures the integer type, scheme and range (reduce_range drops one bit, as in PyTorch).</summary>
    protected Observer(QuantizedType type, QScheme scheme, bool reduceRange, int? quantMin, int? quantMax, float eps)
    {
        if ((quantMin is null) != (quantMax is null))
            throw new ArgumentException("Observer: give both quant_min and quant_max, or neither.");
        if (!(eps > 0))
            throw new ArgumentOutOfRangeException(nameof(eps), eps, "Observer: eps must be positive.");
        Type = type;
        QScheme = scheme;
        ReduceRange = reduceRange;
        CustomRange = quantMin is not null;
        (QuantMin, QuantMax) = CustomRange ? (quantMin!.Value, quantMax!.Value) : type.Range(reduceRange);
        var (min, max) = type.Range();
        if (QuantMin < min || QuantMax > max || QuantMin >= QuantMax)
            throw new ArgumentOutOfRangeException(nameof(quantMin), $"Observer: range [{QuantMin}, {QuantMax}] must lie inside {type.TorchName()}'s [{min}, {max}] and hold two values.");
        Eps = eps;
    }

    /// <summary>The integer type.</summary>
    public QuantizedType Type { get; }

    /// <summary>Affine or symmetric, per tensor or per channel.</summary>
    public QScheme QScheme { get; }

    /// <summary>Whether the range is one bit narrower than the type's.</summary>
    public bool ReduceRange { get; }

    /// <summary>Effective smallest integer (after reduce_range or a custom range).</summary>
    public int QuantMin { get; }

    /// <summary>Effective largest integer.</summary>
    public int QuantMax { get; }

    /// <summary>Smallest scale returned.</summary>
    public float Eps { get; }

    /// <summary>True when quant_min/quant_max were given explicitly.</summary>
    protected bool CustomRange { get; }

    /// <summary>True once a non-empty tensor has been observed.</summary>
    public bool HasObserved { get; private set; }

    /// <summary>Records the statistics of <paramref name="x"/> (float32 or float64; read as float32) and returns it unchanged.</summary>
    public Tensor Observe(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (!x.DType.IsFloatingPoint())
            throw new ArgumentException($"{GetType().Name}: observed tensors must be float, got {x.DType.TorchName()} {x.Shape}.", nameof(x));
        if (x.Numel > 0)
        {
            Update(x.DType == DType.Float32 ? x : x.To(DType.Float32));
            HasObserved = true;
        }
        return x;
    }

    /// <summary>Updates the statistics with a non-empty float32 tensor.</summary>
    protected abstract void Update(Tensor x);

    /// <summary>The scales and zero points for what was observed so far.</summary>
    public abstract QuantParams CalculateQParams();

    /// <summary>Scale and zero point of one [min, max] range under this observer's settings.</summary>
    protected (float Scale, int ZeroPoint) QParamsOf(float min, float max) =>
        QParamsMath.Calculate(min, max, QScheme.IsSymmetric(), Type, QuantMin, QuantMax, CustomRange, Eps);
}

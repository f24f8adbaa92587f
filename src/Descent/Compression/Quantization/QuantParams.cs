namespace Descent.Compression.Quantization;

/// <summary>
/// Scales and zero points of a quantized tensor: one pair (per tensor, <see cref="Axis"/> null) or one pair per index
/// along <see cref="Axis"/>, with the integer range [<see cref="QuantMin"/>, <see cref="QuantMax"/>] of
/// <see cref="Type"/>. Scales are float32 values, as PyTorch's observers produce them.
/// </summary>
public sealed record QuantParams
{
    /// <summary>Creates and validates the parameters (positive finite scales, zero points inside the range).</summary>
    public QuantParams(float[] scales, int[] zeroPoints, int? axis, QuantizedType type, int quantMin, int quantMax)
    {
        ArgumentNullException.ThrowIfNull(scales);
        ArgumentNullException.ThrowIfNull(zeroPoints);
        if (scales.Length == 0 || scales.Length != zeroPoints.Length)
            throw new ArgumentException($"QuantParams: {scales.Length} scales and {zeroPoints.Length} zero points (need the same non-zero count).");
        if (axis is null && scales.Length != 1)
            throw new ArgumentException($"QuantParams: per-tensor parameters need one scale, got {scales.Length}.");
        var (min, max) = type.Range();
        if (quantMin < min || quantMax > max || quantMin > quantMax)
            throw new ArgumentOutOfRangeException(nameof(quantMin), $"QuantParams: range [{quantMin}, {quantMax}] is not inside {type.TorchName()}'s [{min}, {max}].");
        for (int i = 0; i < scales.Length; i++)
        {
            if (!(scales[i] > 0) || !float.IsFinite(scales[i]))
                throw new ArgumentOutOfRangeException(nameof(scales), $"QuantParams: scale {i} is {scales[i]}; scales must be positive and finite.");
            if (zeroPoints[i] < quantMin || zeroPoints[i] > quantMax)
                throw new ArgumentOutOfRangeException(nameof(zeroPoints), $"QuantParams: zero point {i} = {zeroPoints[i]} is outside [{quantMin}, {quantMax}].");
        }
        Scales = scales;
        ZeroPoints = zeroPoints;
        Axis = axis;
        Type = type;
        QuantMin = quantMin;
        QuantMax = quantMax;
    }

    /// <summary>One scale per tensor, or per index along <see cref="Axis"/>.</summary>
    public float[] Scales { get; }

    /// <summary>Zero points, same count as <see cref="Scales"/>.</summary>
    public int[] ZeroPoints { get; }

    /// <summary>The channel axis, or null for per-tensor parameters.</summary>
    public int? Axis { get; }

    /// <summary>The integer type.</summary>
    public QuantizedType Type { get; }

    /// <summary>Smallest integer used.</summary>
    public int QuantMin { get; }

    /// <summary>Largest integer used.</summary>
    public int QuantMax { get; }

    /// <summary>True for per-channel parameters.</summary>
    public bool IsPerChannel => Axis is not null;

    /// <summary>Per-tensor parameters over the type's full range (or an explicit one).</summary>
    public static QuantParams PerTensor(float scale, int zeroPoint, QuantizedType type, int? quantMin = null, int? quantMax = null)
    {
        var (min, max) = type.Range();
        return new QuantParams([scale], [zeroPoint], null, type, quantMin ?? min, quantMax ?? max);
    }

    /// <summary>Per-channel parameters along <paramref name="axis"/>.</summary>
    public static QuantParams PerChannel(float[] scales, int[] zeroPoints, int axis, QuantizedType type, int? quantMin = null, int? quantMax = null)
    {
        var (min, max) = type.Range();
        return new QuantParams(scales, zeroPoints, axis, type, quantMin ?? min, quantMax ?? max);
    }
}

namespace Descent.Compression.Quantization;

/// <summary>
/// PyTorch's <c>ObserverBase._calculate_qparams</c> in float32 (torch 1.13, torch/ao/quantization/observer.py):
/// min_neg = min(min_val, 0), max_pos = max(max_val, 0); affine: scale = max((max_pos − min_neg) / (quant_max −
/// quant_min), eps), zero_point = clamp(quant_min − round_half_even(min_neg / scale), quant_min, quant_max);
/// symmetric: scale = max(max(−min_neg, max_pos) / ((quant_max − quant_min) / 2), eps), zero_point 0 (qint8), or
/// 128 (quint8; the middle of a custom range). Every step is a float32 operation, so results match PyTorch bit for bit.
/// </summary>
public static class QParamsMath
{
    /// <summary>PyTorch's default eps: float32 machine epsilon, 2⁻²³.</summary>
    public const float Eps = 1.1920928955078125e-07f;

    /// <summary>Scale and zero point for one observed [min, max] range.</summary>
    public static (float Scale, int ZeroPoint) Calculate(float minVal, float maxVal, bool symmetric, QuantizedType type,
        int quantMin, int quantMax, bool customRange = false, float eps = Eps)
    {
        // An observer that has seen nothing (min +inf, max -inf) gives PyTorch's fallback (1.0, 0).
        if (float.IsPositiveInfinity(minVal) && float.IsNegativeInfinity(maxVal))
            return (1f, 0);
        if (minVal > maxVal)
            throw new ArgumentException($"Observer: min {minVal} is greater than max {maxVal}.");
        float minNeg = MathF.Min(minVal, 0f), maxPos = MathF.Max(maxVal, 0f);
        if (symmetric)
        {
            float bound = MathF.Max(-minNeg, maxPos);
            float scale = MathF.Max(bound / (float)((quantMax - quantMin) / 2.0), eps);
            int zp = type == QuantizedType.QInt8 ? 0 : customRange ? (quantMin + quantMax) / 2 : 128;
            return (scale, zp);
        }
        else
        {
            float scale = MathF.Max((maxPos - minNeg) / (float)(quantMax - quantMin), eps);
            int zp = quantMin - (int)MathF.Round(minNeg / scale, MidpointRounding.ToEven);
            return (scale, Math.Clamp(zp, quantMin, quantMax));
        }
    }
}

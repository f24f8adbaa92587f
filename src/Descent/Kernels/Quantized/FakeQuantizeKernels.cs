using System.Numerics;

namespace Descent.Kernels.Quantized;

/// <summary>
/// Fake quantization (PyTorch's fake_quantize_per_tensor_affine / _per_channel_affine, the cachemask CPU kernels):
/// q = zero_point + round_half_even(x · inv_scale) with inv_scale = 1/scale in float32 (as PyTorch computes it),
/// output = (clamp(q, quant_min, quant_max) − zero_point) · scale, and mask = quant_min ≤ q ≤ quant_max — the clipped
/// straight-through estimator passes the gradient only where the mask is set (Bengio et al. 2013; Jacob et al. 2018).
/// NaN stays NaN with a cleared mask.
/// </summary>
public static class FakeQuantizeKernels
{
    /// <summary>One run of values sharing a scale and zero point; <paramref name="mask"/> receives 1 or 0.</summary>
    public static void Forward<T>(ReadOnlySpan<T> x, float scale, int zeroPoint, int quantMin, int quantMax, Span<T> output, Span<T> mask)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (output.Length != x.Length || mask.Length != x.Length)
            throw new DescentInternalException($"FakeQuantize: {x.Length} inputs, {output.Length} outputs, {mask.Length} mask values.");
        T inv = T.CreateChecked(1f / scale);
        double s = scale;
        for (int i = 0; i < x.Length; i++)
        {
            if (T.IsNaN(x[i]))
            {
                output[i] = x[i];
                mask[i] = T.Zero;
                continue;
            }
            // Rounded in T (float32 for float32 input, as PyTorch), then widened: |q| stays far below 2^53.
            double q = double.CreateChecked(T.Round(x[i] * inv, MidpointRounding.ToEven)) + zeroPoint;
            bool inside = q >= quantMin && q <= quantMax;
            mask[i] = inside ? T.One : T.Zero;
            output[i] = T.CreateChecked((Math.Clamp(q, quantMin, quantMax) - zeroPoint) * s);
        }
    }
}

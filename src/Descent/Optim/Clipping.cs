using Descent.Kernels.Optim;
using Descent.Tensors;

namespace Descent.Optim;

/// <summary>
/// Gradient clipping, in place on the parameters' <see cref="Tensor.Grad"/> (PyTorch's <c>clip_grad_norm_</c> and
/// <c>clip_grad_value_</c>). Parameters without a gradient are skipped.
/// </summary>
public static class Clipping
{
    /// <summary>
    /// Rescales all gradients together so that their combined p-norm (the norm of all gradients concatenated; for
    /// p = ∞ the largest magnitude) is at most <paramref name="maxNorm"/>: every gradient is multiplied by
    /// min(1, maxNorm / (total + 1e-6)), as PyTorch does (also when the factor is 1). Returns the total norm before
    /// clipping. With <paramref name="errorIfNonFinite"/>, a NaN or infinite norm throws instead of scaling.
    /// The norm is accumulated in double for both dtypes (PyTorch accumulates float32 gradients in float32).
    /// </summary>
    public static double ClipGradNorm(IEnumerable<Tensor> parameters, double maxNorm, double normType = 2, bool errorIfNonFinite = false)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(maxNorm >= 0)) throw OptionChecks.Fail("clip_grad_norm", "max_norm", maxNorm, "≥ 0");
        if (!(normType > 0)) throw OptionChecks.Fail("clip_grad_norm", "norm_type", normType, "> 0 (or +∞)");
        var grads = Grads(parameters);
        if (grads.Count == 0) return 0;

        double total;
        if (double.IsPositiveInfinity(normType))
        {
            total = 0;
            foreach (var g in grads)
            {
                double m = g.DType == DType.Float32 ? ClipKernels.MaxMagnitude<float>(g.Span<float>()) : ClipKernels.MaxMagnitude<double>(g.Span<double>());
                total = double.IsNaN(m) || double.IsNaN(total) ? double.NaN : Math.Max(total, m);
            }
        }
        else
        {
            double sum = 0;
            foreach (var g in grads)
                sum += g.DType == DType.Float32 ? SumOfPowers<float>(g.Span<float>(), normType) : SumOfPowers<double>(g.Span<double>(), normType);
            total = normType == 1 ? sum : normType == 2 ? Math.Sqrt(sum) : Math.Pow(sum, 1 / normType);
        }

        if (errorIfNonFinite && !double.IsFinite(total))
            throw new InvalidOperationException(
                $"clip_grad_norm: the total norm of order {normType} of the gradients is non-finite ({total}), so it cannot be clipped. " +
                "To scale the gradients by the non-finite norm anyway, pass errorIfNonFinite: false.");

        double coef = Math.Min(maxNorm / (total + 1e-6), 1.0);
        foreach (var g in grads)
        {
            if (g.DType == DType.Float32) ClipKernels.Scale(g.Span<float>(), (float)coef);
            else ClipKernels.Scale(g.Span<double>(), coef);
        }
        return total;
    }

    /// <summary>Clamps every gradient element to [−clipValue, clipValue] in place (NaN stays NaN).</summary>
    public static void ClipGradValue(IEnumerable<Tensor> parameters, double clipValue)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(clipValue >= 0)) throw OptionChecks.Fail("clip_grad_value", "clip_value", clipValue, "≥ 0");
        foreach (var g in Grads(parameters))
        {
            if (g.DType == DType.Float32) ClipKernels.Clamp(g.Span<float>(), (float)-clipValue, (float)clipValue);
            else ClipKernels.Clamp(g.Span<double>(), -clipValue, clipValue);
        }
    }

    private static double SumOfPowers<T>(ReadOnlySpan<T> x, double p) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> =>
        p == 2 ? ClipKernels.SumOfSquares(x) : p == 1 ? ClipKernels.SumOfMagnitudes(x) : ClipKernels.SumOfPowers(x, p);

    private static List<Tensor> Grads(IEnumerable<Tensor> parameters)
    {
        var list = new List<Tensor>();
        foreach (var p in parameters)
            if (p?.Grad is { } g) list.Add(g);
        return list;
    }
}

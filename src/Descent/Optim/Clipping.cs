using Descent.Kernels.Optim;
using Descent.Tensors;

namespace Descent.Optim;

/// <summary>
/// Gradient clipping, in place on the parameters' <see cref="Tensor.Grad"/> (PyTorch's <c>clip_grad_norm_</c> and
/// <c>clip_grad_value_</c>). Parameters without a gradient are skipped.
/// </summary>
public static class Clipping
{
    // PyTorch accepts an infinite max_norm or clip_value (no clipping) and norm_type = inf (the max norm).
    private static readonly ValueRange AtLeastZero = new(0, true, double.PositiveInfinity, true, "≥ 0");
    private static readonly ValueRange NormType = new(0, false, double.PositiveInfinity, true, "> 0 (or +∞)");

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
        AtLeastZero.Check("clip_grad_norm", "max_norm", maxNorm);
        NormType.Check("clip_grad_norm", "norm_type", normType);
        // Read once: a one-shot sequence must give the same tensors to the norm and to the scaling.
        var ps = parameters as IReadOnlyList<Tensor> ?? parameters.ToList();
        double total = TotalNorm(ps, normType);

        if (errorIfNonFinite && !double.IsFinite(total))
            throw new InvalidOperationException(
                $"clip_grad_norm: the total norm of order {normType} of the gradients is non-finite ({total}), so it cannot be clipped. " +
                "To scale the gradients by the non-finite norm anyway, pass errorIfNonFinite: false.");

        double coef = Math.Min(maxNorm / (total + 1e-6), 1.0);
        for (int i = 0; i < ps.Count; i++)
        {
            var p = ps[i];
            if (p?.Grad is not { } g) continue;
            if (g.DType == DType.Float32) ClipKernels.Scale(g.Span<float>(), (float)coef);
            else ClipKernels.Scale(g.Span<double>(), coef);
        }
        return total;
    }

    /// <summary>
    /// The p-norm of all gradients concatenated (p = ∞: the largest magnitude; NaN if any gradient holds NaN), without
    /// changing them; 0 when no parameter has a gradient (PyTorch's <c>get_total_norm</c>). Accumulated in double.
    /// Called every step by the run recorder, so it allocates nothing.
    /// </summary>
    public static double TotalNorm(IEnumerable<Tensor> parameters, double normType = 2)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        NormType.Check("total_norm", "norm_type", normType);
        bool infinity = double.IsPositiveInfinity(normType);
        double acc = 0;
        if (parameters is IReadOnlyList<Tensor> list)
        {
            for (int i = 0; i < list.Count; i++) acc = Accumulate(acc, list[i]?.Grad, normType, infinity);
        }
        else
        {
            foreach (var p in parameters) acc = Accumulate(acc, p?.Grad, normType, infinity);
        }
        return infinity || normType == 1 ? acc : normType == 2 ? Math.Sqrt(acc) : Math.Pow(acc, 1 / normType);
    }

    // Adds one gradient to the running sum of |g|^p (or, for p = ∞, the running maximum, sticky NaN).
    private static double Accumulate(double acc, Tensor? g, double p, bool infinity)
    {
        if (g is null) return acc;
        if (infinity)
        {
            double m = g.DType == DType.Float32 ? ClipKernels.MaxMagnitude<float>(g.Span<float>()) : ClipKernels.MaxMagnitude<double>(g.Span<double>());
            return double.IsNaN(m) || double.IsNaN(acc) ? double.NaN : Math.Max(acc, m);
        }
        return acc + (g.DType == DType.Float32 ? SumOfPowers<float>(g.Span<float>(), p) : SumOfPowers<double>(g.Span<double>(), p));
    }

    /// <summary>Clamps every gradient element to [−clipValue, clipValue] in place (NaN stays NaN).</summary>
    public static void ClipGradValue(IEnumerable<Tensor> parameters, double clipValue)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        AtLeastZero.Check("clip_grad_value", "clip_value", clipValue);
        foreach (var p in parameters)
        {
            if (p?.Grad is not { } g) continue;
            if (g.DType == DType.Float32) ClipKernels.Clamp(g.Span<float>(), (float)-clipValue, (float)clipValue);
            else ClipKernels.Clamp(g.Span<double>(), -clipValue, clipValue);
        }
    }

    private static double SumOfPowers<T>(ReadOnlySpan<T> x, double p) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> =>
        p == 2 ? ClipKernels.SumOfSquares(x) : p == 1 ? ClipKernels.SumOfMagnitudes(x) : ClipKernels.SumOfPowers(x, p);
}

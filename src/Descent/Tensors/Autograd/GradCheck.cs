namespace Descent.Tensors.Autograd;

/// <summary>
/// Finite-difference gradient check (PyTorch's <c>gradcheck</c>): compares the analytic vector–Jacobian
/// product from <see cref="Tensor.Backward"/> with central differences (f(x+ε)−f(x−ε))/2ε in Float64.
/// A random upstream gradient u (seeded) checks the whole Jacobian, not only the sum of outputs.
/// </summary>
public static class GradCheck
{
    /// <summary>
    /// Checks <paramref name="function"/> at <paramref name="inputs"/> (Float64; those with RequiresGrad are
    /// checked). Throws <see cref="GradCheckException"/> naming the input, element and both values on a mismatch.
    /// </summary>
    public static void Assert(Func<Tensor[], Tensor> function, Tensor[] inputs,
        double eps = 1e-6, double atol = 1e-5, double rtol = 1e-3, long seed = 0)
    {
        var report = Run(function, inputs, eps, atol, rtol, seed);
        if (report is not null) throw new GradCheckException(report);
    }

    /// <summary>Same as <see cref="Assert"/> but returns the first mismatch as text (null when all agree).</summary>
    public static string? Run(Func<Tensor[], Tensor> function, Tensor[] inputs,
        double eps = 1e-6, double atol = 1e-5, double rtol = 1e-3, long seed = 0)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(inputs);
        for (int i = 0; i < inputs.Length; i++)
        {
            if (inputs[i].RequiresGrad && inputs[i].DType != DType.Float64)
                throw new ArgumentException($"GradCheck: input {i} is {inputs[i].DType.TorchName()}; finite differences need float64.");
            if (!inputs[i].IsLeaf)
                throw new ArgumentException($"GradCheck: input {i} must be a leaf tensor.");
        }

        // Analytic: L = Σ f(x)·u, backpropagated.
        foreach (var x in inputs) x.Grad = null;
        var y = function(inputs);
        if (!y.DType.IsFloatingPoint())
            throw new ArgumentException("GradCheck: the function must return a floating-point tensor.");
        var gen = new Generator(seed);
        var u = Tensor.Empty(y.Shape, DType.Float64);
        var us = u.Span<double>();
        for (int i = 0; i < us.Length; i++) us[i] = gen.NextNormal();
        if (!y.RequiresGrad)
            return "GradCheck: the output does not require grad (no checked input reaches it).";
        y.Backward(y.DType == DType.Float64 ? u : u.To(y.DType));

        for (int i = 0; i < inputs.Length; i++)
        {
            var x = inputs[i];
            if (!x.RequiresGrad) continue;
            var analytic = x.Grad?.ToDoubleArray() ?? new double[x.Numel];
            var data = x.Span<double>();
            for (int k = 0; k < x.Numel; k++)
            {
                double orig = data[k];
                data[k] = orig + eps;
                double plus = Objective(function, inputs, u);
                data = x.Span<double>();
                data[k] = orig - eps;
                double minus = Objective(function, inputs, u);
                data = x.Span<double>();
                data[k] = orig;
                double numeric = (plus - minus) / (2 * eps);
                double a = analytic[k];
                if (!(Math.Abs(a - numeric) <= atol + rtol * Math.Abs(numeric)))
                    return $"GradCheck: input {i} {x.Shape}, element {k}: analytic {a:R} vs numeric {numeric:R} " +
                           $"(|diff| {Math.Abs(a - numeric):E3} > atol {atol} + rtol {rtol}·|numeric|).";
            }
        }
        return null;
    }

    private static double Objective(Func<Tensor[], Tensor> function, Tensor[] inputs, Tensor u)
    {
        using var noGrad = GradMode.Disable();
        var y = function(inputs).ToDoubleArray();
        var us = u.Span<double>();
        double s = 0;
        for (int i = 0; i < y.Length; i++) s += y[i] * us[i];
        return s;
    }
}

/// <summary>Thrown by <see cref="GradCheck.Assert"/> when analytic and numeric gradients disagree.</summary>
public sealed class GradCheckException(string message) : Exception(message);

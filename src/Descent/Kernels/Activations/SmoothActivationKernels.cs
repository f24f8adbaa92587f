using System.Numerics;

namespace Descent.Kernels.Activations;

/// <summary>
/// ELU family (PyTorch's <c>elu(x, alpha, scale, input_scale)</c>, which also gives SELU):
/// y = x &gt; 0 ? scale·x : scale·alpha·(exp(input_scale·x) − 1); dx = x &gt; 0 ? scale·dy : dy·scale·alpha·input_scale·exp(input_scale·x),
/// so ELU'(0) = alpha·scale as in <c>elu_backward</c>. The exponentials run through the SIMD <see cref="ExpKernel{T}"/>.
/// </summary>
public readonly struct EluKernel<T>(T alpha, T scale, T inputScale) : IActivationKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public void Forward(ReadOnlySpan<T> x, Span<T> y)
    {
        T negCoef = alpha * scale;
        for (int i = 0; i < y.Length; i++) y[i] = inputScale * x[i];
        default(ExpKernel<T>).Apply(y, y);
        for (int i = 0; i < y.Length; i++)
            y[i] = x[i] > T.Zero ? scale * x[i] : negCoef * (y[i] - T.One);
    }

    /// <inheritdoc/>
    public void Backward(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx)
    {
        T negCoef = alpha * scale * inputScale;
        for (int i = 0; i < dx.Length; i++) dx[i] = inputScale * x[i];
        default(ExpKernel<T>).Apply(dx, dx);
        for (int i = 0; i < dx.Length; i++)
            dx[i] = x[i] > T.Zero ? dy[i] * scale : dy[i] * negCoef * dx[i];
    }
}

/// <summary>SiLU: y = x·σ(x); dx = dy·σ(x)·(1 + x·(1 − σ(x))) (PyTorch's <c>silu_backward</c>).</summary>
public readonly struct SiluKernel<T> : IActivationKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public void Forward(ReadOnlySpan<T> x, Span<T> y)
    {
        default(SigmoidKernel<T>).Apply(x, y);
        for (int i = 0; i < y.Length; i++) y[i] *= x[i];
    }

    /// <inheritdoc/>
    public void Backward(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx)
    {
        default(SigmoidKernel<T>).Apply(x, dx);
        for (int i = 0; i < dx.Length; i++)
        {
            T s = dx[i];
            dx[i] = dy[i] * s * (T.One + x[i] * (T.One - s));
        }
    }
}

/// <summary>
/// GELU, tanh approximation (Hendrycks &amp; Gimpel 2016): y = ½x(1 + tanh(√(2/π)(x + 0.044715x³))), with
/// PyTorch's analytic derivative from <c>GeluBackwardKernel</c>.
/// </summary>
public readonly struct GeluTanhKernel<T> : IActivationKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private static readonly T Beta = T.CreateChecked(Math.Sqrt(2.0) * (2.0 / Math.Sqrt(Math.PI)) * 0.5);
    private static readonly T Kappa = T.CreateChecked(0.044715);
    private static readonly T Half = T.CreateChecked(0.5);
    private static readonly T Three = T.CreateChecked(3.0);

    /// <inheritdoc/>
    public void Forward(ReadOnlySpan<T> x, Span<T> y)
    {
        for (int i = 0; i < y.Length; i++)
        {
            T v = x[i];
            y[i] = v * (v * v * Kappa + T.One) * Beta;
        }
        default(TanhKernel<T>).Apply(y, y);
        for (int i = 0; i < y.Length; i++)
            y[i] = Half * x[i] * (T.One + y[i]);
    }

    /// <inheritdoc/>
    public void Backward(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx)
    {
        for (int i = 0; i < dx.Length; i++)
        {
            T v = x[i];
            dx[i] = Beta * (v + Kappa * v * v * v);
        }
        default(TanhKernel<T>).Apply(dx, dx);
        for (int i = 0; i < dx.Length; i++)
        {
            T v = x[i], t = dx[i];
            T left = Half * v;
            T leftDerivative = Half * (T.One + t);
            T innerDerivative = Beta * (T.One + Three * Kappa * v * v);
            T rightDerivative = left * (T.One - t * t) * innerDerivative;
            dx[i] = dy[i] * (leftDerivative + rightDerivative);
        }
    }
}

/// <summary>
/// Hardswish (Howard et al. 2019, MobileNetV3): y = x·relu6(x + 3)/6; derivative 0 below −3,
/// x/3 + ½ on [−3, 3) and 1 from 3 on.
/// </summary>
public readonly struct HardswishKernel<T> : IActivationKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private static readonly T Three = T.CreateChecked(3.0);
    private static readonly T Six = T.CreateChecked(6.0);
    private static readonly T Half = T.CreateChecked(0.5);

    /// <inheritdoc/>
    public void Forward(ReadOnlySpan<T> x, Span<T> y)
    {
        for (int i = 0; i < y.Length; i++)
        {
            T v = x[i];
            y[i] = v * T.Min(T.Max(v + Three, T.Zero), Six) / Six;
        }
    }

    /// <inheritdoc/>
    public void Backward(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx)
    {
        for (int i = 0; i < dx.Length; i++)
        {
            T v = x[i];
            // At exactly x = 3 torch 1.13 returns 1.5 or 1 depending on its kernel path; we take the right
            // derivative 1 there (the fixture README's rule: x/3 + ½ on [−3, 3), 1 from 3 on).
            dx[i] = v < -Three ? T.Zero : v < Three ? dy[i] * (v / Three + Half) : dy[i];
        }
    }
}

/// <summary>
/// Exact GELU (Hendrycks &amp; Gimpel 2016): y = x·Φ(x) = ½x(1 + erf(x/√2)); dx = dy·(Φ(x) + x·φ(x)) with
/// φ(x) = e^(−x²/2)/√(2π), as PyTorch's <c>GeluBackwardKernel</c>. erf comes from <see cref="ErfKernel{T}"/>.
/// </summary>
public readonly struct GeluKernel<T> : IActivationKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private static readonly T Sqrt1_2 = T.CreateChecked(0.70710678118654752440);
    private static readonly T Alpha = T.CreateChecked(0.39894228040143267794); // 1/√(2π)
    private static readonly T Half = T.CreateChecked(0.5);

    /// <inheritdoc/>
    public void Forward(ReadOnlySpan<T> x, Span<T> y)
    {
        for (int i = 0; i < y.Length; i++) y[i] = x[i] * Sqrt1_2;
        default(ErfKernel<T>).Apply(y, y);
        for (int i = 0; i < y.Length; i++) y[i] = x[i] * Half * (T.One + y[i]);
    }

    /// <inheritdoc/>
    public void Backward(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx)
    {
        for (int i = 0; i < dx.Length; i++) dx[i] = x[i] * Sqrt1_2;
        default(ErfKernel<T>).Apply(dx, dx);
        for (int i = 0; i < dx.Length; i++)
        {
            T v = x[i];
            T cdf = Half * (T.One + dx[i]);
            T pdf = Alpha * T.Exp(v * v * -Half);
            dx[i] = dy[i] * (cdf + v * pdf);
        }
    }
}

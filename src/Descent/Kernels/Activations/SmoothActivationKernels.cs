using System.Numerics;
using System.Numerics.Tensors;

namespace Descent.Kernels.Activations;

/// <summary>
/// ELU family (PyTorch's <c>elu(x, alpha, scale, input_scale)</c>, which also gives SELU):
/// y = x &gt; 0 ? scale·x : scale·alpha·(exp(input_scale·x) − 1); dx = x &gt; 0 ? scale·dy : dy·scale·alpha·input_scale·exp(input_scale·x),
/// so ELU'(0) = alpha·scale as in <c>elu_backward</c>. The exponentials run through TensorPrimitives.
/// </summary>
public readonly struct EluKernel<T>(T alpha, T scale, T inputScale) : IActivationKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public void Forward(ReadOnlySpan<T> x, Span<T> y)
    {
        T negCoef = alpha * scale;
        if (KernelConfig.ForceScalar)
        {
            for (int i = 0; i < y.Length; i++)
                y[i] = x[i] > T.Zero ? scale * x[i] : negCoef * T.ExpM1(inputScale * x[i]);
            return;
        }
        TensorPrimitives.Multiply(x, inputScale, y);
        TensorPrimitives.Exp(y, y);
        for (int i = 0; i < y.Length; i++)
            y[i] = x[i] > T.Zero ? scale * x[i] : negCoef * (y[i] - T.One);
    }

    /// <inheritdoc/>
    public void Backward(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx)
    {
        T negCoef = alpha * scale * inputScale;
        if (KernelConfig.ForceScalar)
        {
            for (int i = 0; i < dx.Length; i++)
                dx[i] = x[i] > T.Zero ? dy[i] * scale : dy[i] * negCoef * T.Exp(inputScale * x[i]);
            return;
        }
        TensorPrimitives.Multiply(x, inputScale, dx);
        TensorPrimitives.Exp(dx, dx);
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
        if (KernelConfig.ForceScalar)
        {
            for (int i = 0; i < y.Length; i++) y[i] = x[i] / (T.One + T.Exp(-x[i]));
            return;
        }
        TensorPrimitives.Sigmoid(x, y);
        TensorPrimitives.Multiply(y, x, y);
    }

    /// <inheritdoc/>
    public void Backward(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx)
    {
        if (KernelConfig.ForceScalar)
        {
            for (int i = 0; i < dx.Length; i++)
            {
                T s = T.One / (T.One + T.Exp(-x[i]));
                dx[i] = dy[i] * s * (T.One + x[i] * (T.One - s));
            }
            return;
        }
        TensorPrimitives.Sigmoid(x, dx);
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
        if (KernelConfig.ForceScalar) { for (int i = 0; i < y.Length; i++) y[i] = T.Tanh(y[i]); }
        else TensorPrimitives.Tanh(y, y);
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
        if (KernelConfig.ForceScalar) { for (int i = 0; i < dx.Length; i++) dx[i] = T.Tanh(dx[i]); }
        else TensorPrimitives.Tanh(dx, dx);
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

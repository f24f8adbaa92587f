using System.Numerics;
using System.Numerics.Tensors;

namespace Descent.Kernels;

/// <summary>y = e^x. SIMD through TensorPrimitives; a plain loop when the scalar path is forced.</summary>
public readonly struct ExpKernel<T> : IUnaryKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<T> x, Span<T> y)
    {
        if (KernelConfig.ForceScalar) { for (int i = 0; i < y.Length; i++) y[i] = T.Exp(x[i]); return; }
        TensorPrimitives.Exp(x, y);
    }
}

/// <summary>y = natural logarithm (log 0 = −∞, log of a negative = NaN). SIMD through TensorPrimitives; a plain loop when the scalar path is forced.</summary>
public readonly struct LogKernel<T> : IUnaryKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<T> x, Span<T> y)
    {
        if (KernelConfig.ForceScalar) { for (int i = 0; i < y.Length; i++) y[i] = T.Log(x[i]); return; }
        TensorPrimitives.Log(x, y);
    }
}

/// <summary>y = √x. SIMD through TensorPrimitives; a plain loop when the scalar path is forced.</summary>
public readonly struct SqrtKernel<T> : IUnaryKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<T> x, Span<T> y)
    {
        if (KernelConfig.ForceScalar) { for (int i = 0; i < y.Length; i++) y[i] = T.Sqrt(x[i]); return; }
        TensorPrimitives.Sqrt(x, y);
    }
}

/// <summary>y = 1/√x. SIMD through TensorPrimitives; a plain loop when the scalar path is forced.</summary>
public readonly struct RsqrtKernel<T> : IUnaryKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<T> x, Span<T> y)
    {
        if (KernelConfig.ForceScalar) { for (int i = 0; i < y.Length; i++) y[i] = T.One / T.Sqrt(x[i]); return; }
        TensorPrimitives.ReciprocalSqrt(x, y);
    }
}

/// <summary>y = |x|. SIMD through TensorPrimitives; a plain loop when the scalar path is forced.</summary>
public readonly struct AbsKernel<T> : IUnaryKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<T> x, Span<T> y)
    {
        if (KernelConfig.ForceScalar) { for (int i = 0; i < y.Length; i++) y[i] = T.Abs(x[i]); return; }
        TensorPrimitives.Abs(x, y);
    }
}

/// <summary>y = sin x. SIMD through TensorPrimitives; a plain loop when the scalar path is forced.</summary>
public readonly struct SinKernel<T> : IUnaryKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<T> x, Span<T> y)
    {
        if (KernelConfig.ForceScalar) { for (int i = 0; i < y.Length; i++) y[i] = T.Sin(x[i]); return; }
        TensorPrimitives.Sin(x, y);
    }
}

/// <summary>y = cos x. SIMD through TensorPrimitives; a plain loop when the scalar path is forced.</summary>
public readonly struct CosKernel<T> : IUnaryKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<T> x, Span<T> y)
    {
        if (KernelConfig.ForceScalar) { for (int i = 0; i < y.Length; i++) y[i] = T.Cos(x[i]); return; }
        TensorPrimitives.Cos(x, y);
    }
}

/// <summary>y = 1/(1 + e^(−x)); saturates to exactly 0 or 1 without overflow warnings or NaN. SIMD through TensorPrimitives; a plain loop when the scalar path is forced.</summary>
public readonly struct SigmoidKernel<T> : IUnaryKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<T> x, Span<T> y)
    {
        if (KernelConfig.ForceScalar) { for (int i = 0; i < y.Length; i++) y[i] = T.One / (T.One + T.Exp(-x[i])); return; }
        if (y.IsEmpty) return;   // TensorPrimitives.Sigmoid rejects empty spans
        TensorPrimitives.Sigmoid(x, y);
    }
}

/// <summary>y = 1/x. SIMD through TensorPrimitives; a plain loop when the scalar path is forced.</summary>
public readonly struct ReciprocalKernel<T> : IUnaryKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<T> x, Span<T> y)
    {
        if (KernelConfig.ForceScalar) { for (int i = 0; i < y.Length; i++) y[i] = T.One / x[i]; return; }
        TensorPrimitives.Reciprocal(x, y);
    }
}

/// <summary>y = x². SIMD through TensorPrimitives; a plain loop when the scalar path is forced.</summary>
public readonly struct SquareKernel<T> : IUnaryKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<T> x, Span<T> y)
    {
        if (KernelConfig.ForceScalar) { for (int i = 0; i < y.Length; i++) y[i] = x[i] * x[i]; return; }
        TensorPrimitives.Multiply(x, x, y);
    }
}

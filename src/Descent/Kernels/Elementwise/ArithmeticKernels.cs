using System.Numerics;
using System.Numerics.Tensors;

namespace Descent.Kernels;

/// <summary>o = a + b. SIMD through TensorPrimitives; a plain loop when the scalar path is forced.</summary>
public readonly struct AddKernel<T> : IBinaryKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public void VV(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> o)
    {
        if (KernelConfig.ForceScalar) { for (int i = 0; i < o.Length; i++) o[i] = a[i] + b[i]; return; }
        TensorPrimitives.Add(a, b, o);
    }

    /// <inheritdoc/>
    public void VS(ReadOnlySpan<T> a, T b, Span<T> o)
    {
        if (KernelConfig.ForceScalar) { for (int i = 0; i < o.Length; i++) o[i] = a[i] + b; return; }
        TensorPrimitives.Add(a, b, o);
    }

    /// <inheritdoc/>
    public void SV(T a, ReadOnlySpan<T> b, Span<T> o) => VS(b, a, o);
}

/// <summary>o = a − b.</summary>
public readonly struct SubtractKernel<T> : IBinaryKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public void VV(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> o)
    {
        if (KernelConfig.ForceScalar) { for (int i = 0; i < o.Length; i++) o[i] = a[i] - b[i]; return; }
        TensorPrimitives.Subtract(a, b, o);
    }

    /// <inheritdoc/>
    public void VS(ReadOnlySpan<T> a, T b, Span<T> o)
    {
        if (KernelConfig.ForceScalar) { for (int i = 0; i < o.Length; i++) o[i] = a[i] - b; return; }
        TensorPrimitives.Subtract(a, b, o);
    }

    /// <inheritdoc/>
    public void SV(T a, ReadOnlySpan<T> b, Span<T> o)
    {
        if (KernelConfig.ForceScalar) { for (int i = 0; i < o.Length; i++) o[i] = a - b[i]; return; }
        TensorPrimitives.Subtract(a, b, o);
    }
}

/// <summary>o = a · b.</summary>
public readonly struct MultiplyKernel<T> : IBinaryKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public void VV(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> o)
    {
        if (KernelConfig.ForceScalar) { for (int i = 0; i < o.Length; i++) o[i] = a[i] * b[i]; return; }
        TensorPrimitives.Multiply(a, b, o);
    }

    /// <inheritdoc/>
    public void VS(ReadOnlySpan<T> a, T b, Span<T> o)
    {
        if (KernelConfig.ForceScalar) { for (int i = 0; i < o.Length; i++) o[i] = a[i] * b; return; }
        TensorPrimitives.Multiply(a, b, o);
    }

    /// <inheritdoc/>
    public void SV(T a, ReadOnlySpan<T> b, Span<T> o) => VS(b, a, o);
}

/// <summary>o = a / b (IEEE: x/0 = ±Inf, 0/0 = NaN, as in PyTorch).</summary>
public readonly struct DivideKernel<T> : IBinaryKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public void VV(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> o)
    {
        if (KernelConfig.ForceScalar) { for (int i = 0; i < o.Length; i++) o[i] = a[i] / b[i]; return; }
        TensorPrimitives.Divide(a, b, o);
    }

    /// <inheritdoc/>
    public void VS(ReadOnlySpan<T> a, T b, Span<T> o)
    {
        if (KernelConfig.ForceScalar) { for (int i = 0; i < o.Length; i++) o[i] = a[i] / b; return; }
        TensorPrimitives.Divide(a, b, o);
    }

    /// <inheritdoc/>
    public void SV(T a, ReadOnlySpan<T> b, Span<T> o)
    {
        if (KernelConfig.ForceScalar) { for (int i = 0; i < o.Length; i++) o[i] = a / b[i]; return; }
        TensorPrimitives.Divide(a, b, o);
    }
}

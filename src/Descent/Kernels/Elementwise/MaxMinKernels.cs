using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace Descent.Kernels;

/// <summary>o = maximum(a, b), NaN-propagating like PyTorch's torch.maximum.</summary>
public readonly struct MaximumKernel<T> : IBinaryKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public void VV(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> o)
    {
        if (KernelConfig.ForceScalar) { for (int i = 0; i < o.Length; i++) o[i] = T.Max(a[i], b[i]); return; }
        TensorPrimitives.Max(a, b, o);
    }

    /// <inheritdoc/>
    public void VS(ReadOnlySpan<T> a, T b, Span<T> o)
    {
        if (KernelConfig.ForceScalar) { for (int i = 0; i < o.Length; i++) o[i] = T.Max(a[i], b); return; }
        TensorPrimitives.Max(a, b, o);
    }

    /// <inheritdoc/>
    public void SV(T a, ReadOnlySpan<T> b, Span<T> o) => VS(b, a, o);
}

/// <summary>o = minimum(a, b), NaN-propagating like PyTorch's torch.minimum.</summary>
public readonly struct MinimumKernel<T> : IBinaryKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public void VV(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> o)
    {
        if (KernelConfig.ForceScalar) { for (int i = 0; i < o.Length; i++) o[i] = T.Min(a[i], b[i]); return; }
        TensorPrimitives.Min(a, b, o);
    }

    /// <inheritdoc/>
    public void VS(ReadOnlySpan<T> a, T b, Span<T> o)
    {
        if (KernelConfig.ForceScalar) { for (int i = 0; i < o.Length; i++) o[i] = T.Min(a[i], b); return; }
        TensorPrimitives.Min(a, b, o);
    }

    /// <inheritdoc/>
    public void SV(T a, ReadOnlySpan<T> b, Span<T> o) => VS(b, a, o);
}

/// <summary>
/// y = min(max(x, lo), hi) (PyTorch's clamp order: with lo &gt; hi every element becomes hi). NaN inputs stay
/// NaN; pass −∞/+∞ for a missing bound.
/// </summary>
public readonly struct ClampKernel<T>(T lo, T hi) : IUnaryKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<T> x, Span<T> y) => VectorLoop.Unary(x, y, new ClampOp<T>(lo, hi));
}

internal readonly struct ClampOp<T>(T lo, T hi) : IVectorUnaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Scalar(T x) => T.Min(T.Max(x, lo), hi);
    public Vector256<T> Apply(Vector256<T> x) => Vector256.Min(Vector256.Max(x, Vector256.Create(lo)), Vector256.Create(hi));
    public Vector512<T> Apply(Vector512<T> x) => Vector512.Min(Vector512.Max(x, Vector512.Create(lo)), Vector512.Create(hi));
}

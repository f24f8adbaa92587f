using System.Numerics;
using System.Runtime.Intrinsics;

namespace Descent.Kernels;

/// <summary>Fused backward of sigmoid: o = g·y·(1 − y) from the upstream gradient g and the saved output y.</summary>
public readonly struct SigmoidBackwardKernel<T> : IBinaryKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public void VV(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> o) => VectorLoop.Binary(a, b, o, default(SigmoidBackwardOp<T>));

    /// <inheritdoc/>
    public void VS(ReadOnlySpan<T> a, T b, Span<T> o)
    {
        for (int i = 0; i < o.Length; i++) o[i] = default(SigmoidBackwardOp<T>).Scalar(a[i], b);
    }

    /// <inheritdoc/>
    public void SV(T a, ReadOnlySpan<T> b, Span<T> o)
    {
        for (int i = 0; i < o.Length; i++) o[i] = default(SigmoidBackwardOp<T>).Scalar(a, b[i]);
    }
}

/// <summary>Fused backward of tanh: o = g·(1 − y²) from the upstream gradient g and the saved output y.</summary>
public readonly struct TanhBackwardKernel<T> : IBinaryKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public void VV(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> o) => VectorLoop.Binary(a, b, o, default(TanhBackwardOp<T>));

    /// <inheritdoc/>
    public void VS(ReadOnlySpan<T> a, T b, Span<T> o)
    {
        for (int i = 0; i < o.Length; i++) o[i] = default(TanhBackwardOp<T>).Scalar(a[i], b);
    }

    /// <inheritdoc/>
    public void SV(T a, ReadOnlySpan<T> b, Span<T> o)
    {
        for (int i = 0; i < o.Length; i++) o[i] = default(TanhBackwardOp<T>).Scalar(a, b[i]);
    }
}

internal readonly struct SigmoidBackwardOp<T> : IVectorBinaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    // PyTorch's sigmoid_backward order: g·(1 − y)·y.
    public T Scalar(T g, T y) => g * (T.One - y) * y;
    public Vector256<T> Apply(Vector256<T> g, Vector256<T> y) => g * (Vector256<T>.One - y) * y;
    public Vector512<T> Apply(Vector512<T> g, Vector512<T> y) => g * (Vector512<T>.One - y) * y;
}

internal readonly struct TanhBackwardOp<T> : IVectorBinaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Scalar(T g, T y) => g * (T.One - y * y);
    public Vector256<T> Apply(Vector256<T> g, Vector256<T> y) => g * (Vector256<T>.One - y * y);
    public Vector512<T> Apply(Vector512<T> g, Vector512<T> y) => g * (Vector512<T>.One - y * y);
}

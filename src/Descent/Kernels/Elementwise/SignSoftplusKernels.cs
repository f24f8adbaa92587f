using System.Numerics;
using System.Runtime.Intrinsics;

namespace Descent.Kernels;

/// <summary>
/// y = sign(x) ∈ {−1, 0, +1} as PyTorch computes it, (0 &lt; x) − (x &lt; 0): both zeros give +0 and NaN gives 0
/// (PyTorch issue #41245; NumPy would return NaN).
/// </summary>
public readonly struct SignKernel<T> : IUnaryKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<T> x, Span<T> y) => VectorLoop.Unary(x, y, default(SignOp<T>));
}

internal readonly struct SignOp<T> : IVectorUnaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Scalar(T x) => x > T.Zero ? T.One : x < T.Zero ? T.NegativeOne : T.Zero;

    public Vector256<T> Apply(Vector256<T> x) =>
        (Vector256.GreaterThan(x, Vector256<T>.Zero) & Vector256<T>.One) -
        (Vector256.LessThan(x, Vector256<T>.Zero) & Vector256<T>.One);

    public Vector512<T> Apply(Vector512<T> x) =>
        (Vector512.GreaterThan(x, Vector512<T>.Zero) & Vector512<T>.One) -
        (Vector512.LessThan(x, Vector512<T>.Zero) & Vector512<T>.One);
}

/// <summary>
/// PyTorch's softplus: y = x where β·x &gt; threshold, else log1p(e^(β·x))/β. Stable for both signs: large
/// arguments return x, very negative ones give log1p of a tiny number (accurate, see <see cref="Log1pKernel{T}"/>).
/// </summary>
public readonly struct SoftplusKernel<T>(T beta, T threshold) : IUnaryKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<T> x, Span<T> y) => VectorLoop.Unary(x, y, new SoftplusOp<T>(beta, threshold));
}

internal readonly struct SoftplusOp<T>(T beta, T threshold) : IVectorUnaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Scalar(T x)
    {
        T bx = x * beta;
        return bx > threshold ? x : default(Log1pOp<T>).Scalar(T.Exp(bx)) / beta;
    }

    public Vector256<T> Apply(Vector256<T> x)
    {
        var bx = x * Vector256.Create(beta);
        var soft = default(Log1pOp<T>).Apply(VMath.Exp(bx)) / Vector256.Create(beta);
        return Vector256.ConditionalSelect(Vector256.GreaterThan(bx, Vector256.Create(threshold)), x, soft);
    }

    public Vector512<T> Apply(Vector512<T> x)
    {
        var bx = x * Vector512.Create(beta);
        var soft = default(Log1pOp<T>).Apply(VMath.Exp(bx)) / Vector512.Create(beta);
        return Vector512.ConditionalSelect(Vector512.GreaterThan(bx, Vector512.Create(threshold)), x, soft);
    }
}

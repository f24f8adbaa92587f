using System.Numerics;
using System.Runtime.Intrinsics;

namespace Descent.Kernels;

/// <summary>
/// y = tanh x = e/(e + 2) with e = expm1(2|x|), sign restored; ±1 beyond |x| = 22 where tanh rounds to ±1.
/// TensorPrimitives.Tanh loses relative accuracy near 0 (≈1e-7 at x = 1e-10 in float64), so the accurate
/// <see cref="Expm1Kernel{T}"/> formulation is used on every path.
/// </summary>
public readonly struct TanhKernel<T> : IUnaryKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<T> x, Span<T> y) => VectorLoop.Unary(x, y, default(TanhOp<T>));
}

internal readonly struct TanhOp<T> : IVectorUnaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private static readonly T Saturation = T.CreateTruncating(22);
    private static readonly T Two = T.CreateTruncating(2);

    public T Scalar(T x)
    {
        T a = T.Abs(x);
        if (a > Saturation) return T.CopySign(T.One, x);
        T e = default(Expm1Op<T>).Scalar(a + a);
        return T.CopySign(e / (e + Two), x);
    }

    public Vector256<T> Apply(Vector256<T> x)
    {
        var a = Vector256.Abs(x);
        var e = default(Expm1Op<T>).Apply(a + a);
        var t = Vector256.ConditionalSelect(Vector256.GreaterThan(a, Vector256.Create(Saturation)), Vector256<T>.One, e / (e + Vector256.Create(Two)));
        return Vector256.CopySign(t, x);
    }

    public Vector512<T> Apply(Vector512<T> x)
    {
        var a = Vector512.Abs(x);
        var e = default(Expm1Op<T>).Apply(a + a);
        var t = Vector512.ConditionalSelect(Vector512.GreaterThan(a, Vector512.Create(Saturation)), Vector512<T>.One, e / (e + Vector512.Create(Two)));
        return Vector512.CopySign(t, x);
    }
}

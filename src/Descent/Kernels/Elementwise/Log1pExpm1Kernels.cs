using System.Numerics;
using System.Runtime.Intrinsics;

namespace Descent.Kernels;

/// <summary>
/// log(1 + x), accurate for tiny x. The runtime's LogP1 evaluates log(1 + x) directly and loses every digit
/// below 1e-16, so this uses Goldberg's correction (D. Goldberg, "What every computer scientist should know
/// about floating-point arithmetic", 1991, Theorem 4): with u = fl(1 + x), log1p(x) = log(u)·x/(u − 1),
/// which cancels the rounding of u; u = 1 means log1p(x) = x to working precision.
/// </summary>
public readonly struct Log1pKernel<T> : IUnaryKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<T> x, Span<T> y) => VectorLoop.Unary(x, y, default(Log1pOp<T>));

    /// <summary>The scalar reference.</summary>
    public static T Scalar(T x) => default(Log1pOp<T>).Scalar(x);
}

/// <summary>
/// exp(x) − 1, accurate for tiny x. Kahan's correction (N. J. Higham, "Accuracy and Stability of Numerical
/// Algorithms", 2nd ed., §1.14.1): with u = fl(exp x), expm1(x) = (u − 1)·x/log(u); u = 1 gives x and
/// u − 1 = −1 gives −1. The runtime's ExpM1 computes exp(x) − 1 and is wrong for |x| below ~1e-8.
/// </summary>
public readonly struct Expm1Kernel<T> : IUnaryKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<T> x, Span<T> y) => VectorLoop.Unary(x, y, default(Expm1Op<T>));

    /// <summary>The scalar reference.</summary>
    public static T Scalar(T x) => default(Expm1Op<T>).Scalar(x);
}

internal readonly struct Log1pOp<T> : IVectorUnaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Scalar(T x)
    {
        T u = T.One + x;
        T d = u - T.One;
        if (d == T.Zero) return x;                       // also keeps −0 → −0
        if (T.IsPositiveInfinity(u)) return u;
        return T.Log(u) * (x / d);
    }

    public Vector256<T> Apply(Vector256<T> x)
    {
        var u = Vector256<T>.One + x;
        var d = u - Vector256<T>.One;
        var r = VMath.Log(u) * (x / d);
        r = Vector256.ConditionalSelect(Vector256.Equals(d, Vector256<T>.Zero), x, r);
        return Vector256.ConditionalSelect(Vector256.Equals(u, Vector256.Create(T.PositiveInfinity)), u, r);
    }

    public Vector512<T> Apply(Vector512<T> x)
    {
        var u = Vector512<T>.One + x;
        var d = u - Vector512<T>.One;
        var r = VMath.Log(u) * (x / d);
        r = Vector512.ConditionalSelect(Vector512.Equals(d, Vector512<T>.Zero), x, r);
        return Vector512.ConditionalSelect(Vector512.Equals(u, Vector512.Create(T.PositiveInfinity)), u, r);
    }
}

internal readonly struct Expm1Op<T> : IVectorUnaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Scalar(T x)
    {
        T u = T.Exp(x);
        T um1 = u - T.One;
        if (um1 == T.Zero) return x;                     // |x| below half an ulp of 1 (keeps −0)
        if (um1 == T.NegativeOne) return um1;
        if (T.IsPositiveInfinity(u)) return u;
        return um1 * (x / T.Log(u));
    }

    public Vector256<T> Apply(Vector256<T> x)
    {
        var u = VMath.Exp(x);
        var um1 = u - Vector256<T>.One;
        var r = um1 * (x / VMath.Log(u));
        r = Vector256.ConditionalSelect(Vector256.Equals(um1, Vector256<T>.Zero), x, r);
        r = Vector256.ConditionalSelect(Vector256.Equals(um1, Vector256.Create(T.NegativeOne)), um1, r);
        return Vector256.ConditionalSelect(Vector256.Equals(u, Vector256.Create(T.PositiveInfinity)), u, r);
    }

    public Vector512<T> Apply(Vector512<T> x)
    {
        var u = VMath.Exp(x);
        var um1 = u - Vector512<T>.One;
        var r = um1 * (x / VMath.Log(u));
        r = Vector512.ConditionalSelect(Vector512.Equals(um1, Vector512<T>.Zero), x, r);
        r = Vector512.ConditionalSelect(Vector512.Equals(um1, Vector512.Create(T.NegativeOne)), um1, r);
        return Vector512.ConditionalSelect(Vector512.Equals(u, Vector512.Create(T.PositiveInfinity)), u, r);
    }
}

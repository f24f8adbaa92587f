using System.Numerics;
using System.Runtime.Intrinsics;

namespace Descent.Kernels;

/// <summary>Generic front ends of the per-type vector math functions (the JIT keeps only the matching branch).</summary>
internal static class VectorMath
{
    /// <summary>Lane-wise eˣ.</summary>
    public static Vector512<T> Exp<T>(Vector512<T> v) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float)) return Vector512.Exp(v.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(double)) return Vector512.Exp(v.AsDouble()).As<double, T>();
        throw new DescentInternalException($"Vector exp is defined for float and double, not {typeof(T).Name}.");
    }

    /// <summary>Lane-wise eˣ.</summary>
    public static Vector256<T> Exp<T>(Vector256<T> v) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float)) return Vector256.Exp(v.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(double)) return Vector256.Exp(v.AsDouble()).As<double, T>();
        throw new DescentInternalException($"Vector exp is defined for float and double, not {typeof(T).Name}.");
    }
}

using System.Numerics;
using System.Numerics.Tensors;

namespace Descent.Kernels;

/// <summary>o = a^b with IEEE pow semantics (pow(x, 0) = 1 even for NaN x; negative base with a non-integer exponent = NaN).</summary>
public readonly struct PowKernel<T> : IBinaryKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public void VV(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> o)
    {
        if (KernelConfig.ForceScalar) { for (int i = 0; i < o.Length; i++) o[i] = T.Pow(a[i], b[i]); return; }
        TensorPrimitives.Pow(a, b, o);
    }

    /// <inheritdoc/>
    public void VS(ReadOnlySpan<T> a, T b, Span<T> o)
    {
        if (KernelConfig.ForceScalar) { for (int i = 0; i < o.Length; i++) o[i] = T.Pow(a[i], b); return; }
        TensorPrimitives.Pow(a, b, o);
    }

    /// <inheritdoc/>
    public void SV(T a, ReadOnlySpan<T> b, Span<T> o)
    {
        if (KernelConfig.ForceScalar) { for (int i = 0; i < o.Length; i++) o[i] = T.Pow(a, b[i]); return; }
        TensorPrimitives.Pow(a, b, o);
    }
}

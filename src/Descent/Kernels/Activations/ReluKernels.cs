using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Descent.Kernels.Activations;

/// <summary>
/// ReLU: y = max(x, 0); backward dx = (y ≤ 0) ? 0 : dy, PyTorch's <c>threshold_backward(grad, result, 0)</c>,
/// so ReLU'(0) = 0 and a NaN input passes its gradient through. Explicit Vector512/Vector256 loops.
/// </summary>
public readonly struct ReluKernel<T> : IActivationKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public void Forward(ReadOnlySpan<T> x, Span<T> y)
    {
        int n = x.Length, i = 0;
        ref T xr = ref MemoryMarshal.GetReference(x);
        ref T yr = ref MemoryMarshal.GetReference(y);
        if (KernelConfig.UseVector512 && n >= Vector512<T>.Count)
        {
            for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
            {
                var v = Vector512.LoadUnsafe(ref xr, (nuint)i);
                // Select instead of Max so NaN stays NaN (as torch.relu).
                Vector512.ConditionalSelect(Vector512.LessThanOrEqual(v, Vector512<T>.Zero), Vector512<T>.Zero, v).StoreUnsafe(ref yr, (nuint)i);
            }
        }
        else if (KernelConfig.UseVector256 && n >= Vector256<T>.Count)
        {
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                var v = Vector256.LoadUnsafe(ref xr, (nuint)i);
                Vector256.ConditionalSelect(Vector256.LessThanOrEqual(v, Vector256<T>.Zero), Vector256<T>.Zero, v).StoreUnsafe(ref yr, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            T v = Unsafe.Add(ref xr, i);
            Unsafe.Add(ref yr, i) = v <= T.Zero ? T.Zero : v;
        }
    }

    /// <inheritdoc/>
    public void Backward(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx)
    {
        int n = dx.Length, i = 0;
        ref T yr = ref MemoryMarshal.GetReference(y);
        ref T gr = ref MemoryMarshal.GetReference(dy);
        ref T dr = ref MemoryMarshal.GetReference(dx);
        if (KernelConfig.UseVector512 && n >= Vector512<T>.Count)
        {
            for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
            {
                var v = Vector512.LoadUnsafe(ref yr, (nuint)i);
                var g = Vector512.LoadUnsafe(ref gr, (nuint)i);
                Vector512.ConditionalSelect(Vector512.LessThanOrEqual(v, Vector512<T>.Zero), Vector512<T>.Zero, g).StoreUnsafe(ref dr, (nuint)i);
            }
        }
        else if (KernelConfig.UseVector256 && n >= Vector256<T>.Count)
        {
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                var v = Vector256.LoadUnsafe(ref yr, (nuint)i);
                var g = Vector256.LoadUnsafe(ref gr, (nuint)i);
                Vector256.ConditionalSelect(Vector256.LessThanOrEqual(v, Vector256<T>.Zero), Vector256<T>.Zero, g).StoreUnsafe(ref dr, (nuint)i);
            }
        }
        for (; i < n; i++)
            Unsafe.Add(ref dr, i) = Unsafe.Add(ref yr, i) <= T.Zero ? T.Zero : Unsafe.Add(ref gr, i);
    }
}

/// <summary>
/// Leaky ReLU: y = x &gt; 0 ? x : slope·x; dx = x &gt; 0 ? dy : slope·dy (so the derivative at 0 is the slope,
/// as in PyTorch's <c>leaky_relu_backward</c>).
/// </summary>
public readonly struct LeakyReluKernel<T>(T slope) : IActivationKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public void Forward(ReadOnlySpan<T> x, Span<T> y) => Select(x, x, y);

    /// <inheritdoc/>
    public void Backward(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx) => Select(x, dy, dx);

    /// <summary>o = c &gt; 0 ? v : slope·v.</summary>
    private void Select(ReadOnlySpan<T> c, ReadOnlySpan<T> v, Span<T> o)
    {
        int n = o.Length, i = 0;
        ref T cr = ref MemoryMarshal.GetReference(c);
        ref T vr = ref MemoryMarshal.GetReference(v);
        ref T or = ref MemoryMarshal.GetReference(o);
        T s = slope;
        if (KernelConfig.UseVector512 && n >= Vector512<T>.Count)
        {
            var sv = Vector512.Create(s);
            for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
            {
                var cv = Vector512.LoadUnsafe(ref cr, (nuint)i);
                var vv = Vector512.LoadUnsafe(ref vr, (nuint)i);
                Vector512.ConditionalSelect(Vector512.GreaterThan(cv, Vector512<T>.Zero), vv, vv * sv).StoreUnsafe(ref or, (nuint)i);
            }
        }
        else if (KernelConfig.UseVector256 && n >= Vector256<T>.Count)
        {
            var sv = Vector256.Create(s);
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                var cv = Vector256.LoadUnsafe(ref cr, (nuint)i);
                var vv = Vector256.LoadUnsafe(ref vr, (nuint)i);
                Vector256.ConditionalSelect(Vector256.GreaterThan(cv, Vector256<T>.Zero), vv, vv * sv).StoreUnsafe(ref or, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            T vv = Unsafe.Add(ref vr, i);
            Unsafe.Add(ref or, i) = Unsafe.Add(ref cr, i) > T.Zero ? vv : vv * s;
        }
    }
}

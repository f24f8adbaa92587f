namespace Descent.Kernels;

/// <summary>
/// An elementwise unary op over a contiguous run: y[i] = f(x[i]). Implemented by structs so callers
/// (the tensor dispatch, the parallel chunking) are specialised per op and element type. x and y may alias.
/// </summary>
public interface IUnaryKernel<T> where T : unmanaged
{
    /// <summary>y[i] = f(x[i]) for every i; the spans have equal length.</summary>
    void Apply(ReadOnlySpan<T> x, Span<T> y);
}

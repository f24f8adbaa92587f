namespace Descent.Kernels;

/// <summary>
/// An elementwise binary op over contiguous runs, in the three layouts broadcasting produces:
/// vector∘vector, vector∘scalar and scalar∘vector. Implemented by structs so the JIT specialises the
/// broadcasting loop for each op and element type.
/// </summary>
public interface IBinaryKernel<T> where T : unmanaged
{
    /// <summary>o[i] = a[i] ∘ b[i].</summary>
    void VV(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> o);

    /// <summary>o[i] = a[i] ∘ b.</summary>
    void VS(ReadOnlySpan<T> a, T b, Span<T> o);

    /// <summary>o[i] = a ∘ b[i].</summary>
    void SV(T a, ReadOnlySpan<T> b, Span<T> o);
}

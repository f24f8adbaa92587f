namespace Descent.Kernels;

/// <summary>o = a, ignoring b: used with broadcasting to materialize an expand.</summary>
public readonly struct CopyKernel<T> : IBinaryKernel<T> where T : unmanaged
{
    /// <inheritdoc/>
    public void VV(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> o) => a.CopyTo(o);

    /// <inheritdoc/>
    public void VS(ReadOnlySpan<T> a, T b, Span<T> o) => a.CopyTo(o);

    /// <inheritdoc/>
    public void SV(T a, ReadOnlySpan<T> b, Span<T> o) => o.Fill(a);
}

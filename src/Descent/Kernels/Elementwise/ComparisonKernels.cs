using System.Numerics;

namespace Descent.Kernels;

/// <summary>Which relation a comparison kernel tests.</summary>
public enum Comparison
{
    /// <summary>a == b.</summary>
    Eq,
    /// <summary>a != b (true when either is NaN).</summary>
    Ne,
    /// <summary>a &lt; b.</summary>
    Lt,
    /// <summary>a ≤ b.</summary>
    Le,
    /// <summary>a &gt; b.</summary>
    Gt,
    /// <summary>a ≥ b.</summary>
    Ge,
}

/// <summary>
/// Elementwise comparisons producing bool masks, IEEE semantics (any comparison with NaN is false except
/// ≠). Plain loops: masks are not on the training hot path and the relation is hoisted out of the loop.
/// </summary>
public static class ComparisonKernels
{
    /// <summary>o[i] = a[i] rel b[i].</summary>
    public static void Compare<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<bool> o, Comparison rel) where T : unmanaged, INumber<T>
    {
        if (a.Length != o.Length || b.Length != o.Length)
            throw new DescentInternalException($"compare: lengths {a.Length}, {b.Length} and output {o.Length} differ.");
        switch (rel)
        {
            case Comparison.Eq: for (int i = 0; i < o.Length; i++) o[i] = a[i] == b[i]; break;
            case Comparison.Ne: for (int i = 0; i < o.Length; i++) o[i] = a[i] != b[i]; break;
            case Comparison.Lt: for (int i = 0; i < o.Length; i++) o[i] = a[i] < b[i]; break;
            case Comparison.Le: for (int i = 0; i < o.Length; i++) o[i] = a[i] <= b[i]; break;
            case Comparison.Gt: for (int i = 0; i < o.Length; i++) o[i] = a[i] > b[i]; break;
            default: for (int i = 0; i < o.Length; i++) o[i] = a[i] >= b[i]; break;
        }
    }

    /// <summary>o[i] = a[i] rel b.</summary>
    public static void Compare<T>(ReadOnlySpan<T> a, T b, Span<bool> o, Comparison rel) where T : unmanaged, INumber<T>
    {
        if (a.Length != o.Length)
            throw new DescentInternalException($"compare: input length {a.Length} and output {o.Length} differ.");
        switch (rel)
        {
            case Comparison.Eq: for (int i = 0; i < o.Length; i++) o[i] = a[i] == b; break;
            case Comparison.Ne: for (int i = 0; i < o.Length; i++) o[i] = a[i] != b; break;
            case Comparison.Lt: for (int i = 0; i < o.Length; i++) o[i] = a[i] < b; break;
            case Comparison.Le: for (int i = 0; i < o.Length; i++) o[i] = a[i] <= b; break;
            case Comparison.Gt: for (int i = 0; i < o.Length; i++) o[i] = a[i] > b; break;
            default: for (int i = 0; i < o.Length; i++) o[i] = a[i] >= b; break;
        }
    }

    /// <summary>o[i] = cond[i] ? a[i] : b[i] (PyTorch's where over materialized operands).</summary>
    public static void Select<T>(ReadOnlySpan<bool> cond, ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> o) where T : unmanaged
    {
        if (cond.Length != o.Length || a.Length != o.Length || b.Length != o.Length)
            throw new DescentInternalException($"where: lengths {cond.Length}, {a.Length}, {b.Length} and output {o.Length} differ.");
        for (int i = 0; i < o.Length; i++) o[i] = cond[i] ? a[i] : b[i];
    }
}

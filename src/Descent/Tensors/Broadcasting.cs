using Descent.Kernels;

namespace Descent.Tensors;

/// <summary>
/// NumPy broadcasting: shapes are right-aligned; a dimension of size 1 (or a missing one) stretches to
/// the other operand's size. <see cref="Apply{T,TKernel}"/> coalesces dimensions so that the innermost
/// loop runs over the longest possible contiguous run, then calls the kernel per run.
/// </summary>
internal static class Broadcasting
{
    /// <summary>The broadcast shape of <paramref name="a"/> and <paramref name="b"/>, or an error naming the op and both shapes.</summary>
    public static Shape Shapes(Shape a, Shape b, string op)
    {
        if (a == b) return a;
        int rank = Math.Max(a.Rank, b.Rank);
        var result = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i - (rank - a.Rank) >= 0 ? a.Dims[i - (rank - a.Rank)] : 1;
            int db = i - (rank - b.Rank) >= 0 ? b.Dims[i - (rank - b.Rank)] : 1;
            if (da != db && da != 1 && db != 1)
                throw new ArgumentException(
                    $"{op}: {a} and {b}: shapes cannot be broadcast (dim {i - rank}: {da} vs {db}).");
            result[i] = da == 1 ? db : da;
        }
        return Shape.Wrap(result);
    }

    /// <summary>True when <paramref name="from"/> broadcasts to exactly <paramref name="to"/>.</summary>
    public static bool CanBroadcastTo(Shape from, Shape to)
    {
        if (from.Rank > to.Rank) return false;
        int off = to.Rank - from.Rank;
        for (int i = 0; i < from.Rank; i++)
            if (from.Dims[i] != 1 && from.Dims[i] != to.Dims[i + off]) return false;
        return true;
    }

    /// <summary>Strides of <paramref name="s"/> seen from the broadcast shape <paramref name="to"/> (0 on stretched dims).</summary>
    public static void StridesFor(Shape s, Shape to, Span<int> strides)
    {
        int off = to.Rank - s.Rank;
        int acc = 1;
        for (int i = to.Rank - 1; i >= 0; i--)
        {
            int j = i - off;
            int size = j >= 0 ? s.Dims[j] : 1;
            strides[i] = size == 1 ? 0 : acc;
            acc *= size;
        }
    }

    /// <summary>o = a ∘ b with broadcasting; <paramref name="so"/> must be the broadcast shape.</summary>
    public static void Apply<T, TKernel>(ReadOnlySpan<T> a, Shape sa, ReadOnlySpan<T> b, Shape sb, Span<T> o, Shape so, TKernel kernel)
        where T : unmanaged
        where TKernel : struct, IBinaryKernel<T>
    {
        if (o.Length == 0) return;
        if (sa == so && sb == so) { kernel.VV(a, b, o); return; }
        if (b.Length == 1 && sa == so) { kernel.VS(a, b[0], o); return; }
        if (a.Length == 1 && sb == so) { kernel.SV(a[0], b, o); return; }

        int rank = so.Rank;
        Span<int> size = stackalloc int[rank];
        Span<int> stA = stackalloc int[rank];
        Span<int> stB = stackalloc int[rank];
        StridesFor(sa, so, stA);
        StridesFor(sb, so, stB);
        so.Dims.CopyTo(size);

        // Coalesce dim i into i+1 when both operands walk them as one contiguous (or one broadcast) run.
        int n = 0;
        Span<int> cSize = stackalloc int[rank];
        Span<int> cA = stackalloc int[rank];
        Span<int> cB = stackalloc int[rank];
        for (int i = rank - 1; i >= 0; i--)
        {
            if (size[i] == 1) continue;
            if (n > 0 && stA[i] == cA[n - 1] * cSize[n - 1] && stB[i] == cB[n - 1] * cSize[n - 1])
            {
                cSize[n - 1] *= size[i];
                continue;
            }
            cSize[n] = size[i]; cA[n] = stA[i]; cB[n] = stB[i];
            n++;
        }
        if (n == 0) { kernel.VV(a[..1], b[..1], o[..1]); return; }
        // cSize/cA/cB are innermost-first.
        int inner = cSize[0];
        int innerA = cA[0], innerB = cB[0];
        int rows = o.Length / inner;
        Span<int> counter = stackalloc int[n];
        counter.Clear();
        int offA = 0, offB = 0;
        for (int r = 0; r < rows; r++)
        {
            var orow = o.Slice(r * inner, inner);
            if (innerA != 0 && innerB != 0) kernel.VV(a.Slice(offA, inner), b.Slice(offB, inner), orow);
            else if (innerA != 0) kernel.VS(a.Slice(offA, inner), b[offB], orow);
            else if (innerB != 0) kernel.SV(a[offA], b.Slice(offB, inner), orow);
            else
            {
                kernel.VS(a.Slice(offA, 1), b[offB], orow[..1]);
                orow.Fill(orow[0]);
            }
            // Odometer over the outer (coalesced) dims.
            for (int d = 1; d < n; d++)
            {
                offA += cA[d]; offB += cB[d];
                if (++counter[d] < cSize[d]) break;
                offA -= cA[d] * cSize[d]; offB -= cB[d] * cSize[d];
                counter[d] = 0;
            }
        }
    }
}

using Descent.Kernels;
using Descent.Tensors.Autograd;

namespace Descent.Tensors;

/// <summary>
/// transpose, permute, T, mT and contiguous. Storage is always contiguous row-major, so unlike PyTorch's
/// strided views these copy the elements into the new order (a blocked 2-D transpose for the matrix case);
/// matrix products take transpose flags instead of calling them. When the permutation moves only size-1
/// dims the layout is unchanged and the result is a free view sharing storage.
/// </summary>
public sealed partial class Tensor
{
    /// <summary>Swaps dims <paramref name="dim0"/> and <paramref name="dim1"/> (a copy; see the type remarks).</summary>
    public Tensor Transpose(int dim0, int dim1)
    {
        int d0 = Shape.NormalizeDim(dim0, Rank, "transpose");
        int d1 = Shape.NormalizeDim(dim1, Rank, "transpose");
        var perm = new int[Rank];
        for (int i = 0; i < perm.Length; i++) perm[i] = i;
        if (Rank > 0) (perm[d0], perm[d1]) = (perm[d1], perm[d0]);
        return PermuteCore(perm);
    }

    /// <summary>x.transpose(dim0, dim1).</summary>
    public static Tensor Transpose(Tensor input, int dim0, int dim1) => input.Transpose(dim0, dim1);

    /// <summary>Reorders the dims: output dim i is input dim <paramref name="dims"/>[i] (negative counts from the end).</summary>
    public Tensor Permute(params int[] dims)
    {
        ArgumentNullException.ThrowIfNull(dims);
        if (dims.Length != Rank)
            throw new ArgumentException($"permute: {Shape} has {Rank} dims but the order {Shape.Format(dims)} lists {dims.Length}.");
        var perm = new int[Rank];
        var seen = new bool[Rank];
        for (int i = 0; i < Rank; i++)
        {
            int d = Shape.NormalizeDim(dims[i], Rank, "permute");
            if (seen[d])
                throw new ArgumentException($"permute: dim {dims[i]} appears more than once in {Shape.Format(dims)}.");
            seen[d] = true;
            perm[i] = d;
        }
        return PermuteCore(perm);
    }

    /// <summary>x.permute(dims).</summary>
    public static Tensor Permute(Tensor input, params int[] dims) => input.Permute(dims);

    /// <summary>
    /// The transpose of a matrix (PyTorch's <c>.T</c>); 0-D and 1-D tensors are returned unchanged. Higher ranks
    /// throw: PyTorch deprecated reversing all dims there, use <see cref="MT"/> or <see cref="Permute(int[])"/>.
    /// </summary>
    public Tensor T => Rank switch
    {
        < 2 => this,
        2 => Transpose(0, 1),
        _ => throw new InvalidOperationException(
            $"T: expected a 0-D, 1-D or 2-D tensor, got {Shape}; use MT to transpose the last two dims or Permute to reverse all."),
    };

    /// <summary>Transposes the last two dims of a matrix or batch of matrices (PyTorch's <c>.mT</c>).</summary>
    public Tensor MT => Rank >= 2
        ? Transpose(-2, -1)
        : throw new InvalidOperationException($"mT: expected a matrix or a batch of matrices (rank >= 2), got {Shape}.");

    /// <summary>
    /// Returns this tensor: storage is always contiguous row-major here (transposes copy), so there is never
    /// a strided layout to compact. Kept for code ported from PyTorch.
    /// </summary>
    public Tensor Contiguous() => this;

    /// <summary>The permuted copy (or a view when only size-1 dims move), with its backward node.</summary>
    private Tensor PermuteCore(int[] perm)
    {
        var dims = new int[Rank];
        for (int i = 0; i < Rank; i++) dims[i] = Shape.Dims[perm[i]];
        var shape = Shape.Wrap(dims);
        if (KeepsLayout(Shape, perm))
            return AsView(shape);
        var o = Empty(shape, DType);
        switch (DType.ElementSize())
        {
            case 1: PermuteKernels.Permute<byte>(Bits<byte>(), Shape.Dims, perm, o.Bits<byte>()); break;
            case 4: PermuteKernels.Permute<int>(Bits<int>(), Shape.Dims, perm, o.Bits<int>()); break;
            default: PermuteKernels.Permute<long>(Bits<long>(), Shape.Dims, perm, o.Bits<long>()); break;
        }
        if (NeedsGrad(this)) o.GradFn = new PermuteNode(this, perm);
        return o;
    }

    /// <summary>True when the dims of size &gt; 1 keep their relative order, so the row-major layout is unchanged.</summary>
    private static bool KeepsLayout(Shape shape, int[] perm)
    {
        int previous = -1;
        foreach (int p in perm)
        {
            if (shape.Dims[p] == 1) continue;
            if (p < previous) return false;
            previous = p;
        }
        return true;
    }

    private sealed class PermuteNode(Tensor input, int[] perm) : Node(input)
    {
        protected internal override void Backward(Tensor g, GradSink sink)
        {
            var inverse = new int[perm.Length];
            for (int i = 0; i < perm.Length; i++) inverse[perm[i]] = i;
            sink.Add(0, g.PermuteCore(inverse));
        }
    }
}

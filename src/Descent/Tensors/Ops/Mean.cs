namespace Descent.Tensors;

/// <summary>mean over all elements or along dims (keepdim): the sum times 1/n, so its gradient is the sum's, scaled.</summary>
public sealed partial class Tensor
{
    /// <summary>Mean of all elements (0-d); NaN for an empty tensor, as in PyTorch.</summary>
    public Tensor Mean()
    {
        RequireFloat("mean");
        return Mul(Sum(), 1.0 / Numel);
    }

    /// <summary>Mean along <paramref name="dim"/>.</summary>
    public Tensor Mean(int dim, bool keepDim = false) => Mean([dim], keepDim);

    /// <summary>Mean along several dims (all when empty).</summary>
    public Tensor Mean(int[] dims, bool keepDim = false)
    {
        RequireFloat("mean");
        var reduce = NormalizeDims(dims, Rank, "mean");
        return Mul(Sum(dims, keepDim), 1.0 / ReducedCount(Shape, reduce));
    }

    /// <summary>Number of elements folded into each output of a reduction over the marked dims.</summary>
    internal static int ReducedCount(Shape shape, bool[] reduce)
    {
        int n = 1;
        for (int d = 0; d < shape.Rank; d++) if (reduce[d]) n *= shape.Dims[d];
        return n;
    }
}

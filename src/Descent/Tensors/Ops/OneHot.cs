namespace Descent.Tensors;

/// <summary>one_hot: class indices → indicator vectors along a new last dim (PyTorch's F.one_hot).</summary>
public sealed partial class Tensor
{
    /// <summary>
    /// An int64 tensor of shape [*indices.shape, numClasses] with 1 at each index and 0 elsewhere, as PyTorch.
    /// <paramref name="numClasses"/> = −1 infers max(indices) + 1.
    /// </summary>
    public static Tensor OneHot(Tensor indices, int numClasses = -1) => OneHot(indices, numClasses, DType.Int64);

    /// <summary>
    /// one_hot producing <paramref name="dtype"/> directly (e.g. float32 targets for a loss), saving the
    /// int64 intermediate and the conversion.
    /// </summary>
    public static Tensor OneHot(Tensor indices, int numClasses, DType dtype)
    {
        const string op = "one_hot";
        RequireIndex(indices, op, "indices");
        var idx = indices.Span<long>();
        if (numClasses == -1)
        {
            if (idx.Length == 0)
                throw new ArgumentException($"{op}: cannot infer the number of classes from an empty tensor {indices.Shape}; pass numClasses.");
            long max = 0;
            foreach (long v in idx) max = Math.Max(max, v);
            if (max >= int.MaxValue)
                throw new ArgumentException($"{op}: inferred number of classes {max + 1} is too large.");
            numClasses = (int)max + 1;
        }
        else if (numClasses < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(numClasses), numClasses, $"{op}: numClasses must be -1 (infer) or non-negative.");
        }
        for (int i = 0; i < idx.Length; i++)
            if ((ulong)idx[i] >= (ulong)numClasses)
                throw new IndexOutOfRangeException(
                    $"{op}: class {idx[i]} at position {FormatPosition(i, indices.Shape)} is out of range for num_classes {numClasses}.");

        var dims = new int[indices.Rank + 1];
        indices.Shape.Dims.CopyTo(dims);
        dims[^1] = numClasses;
        var o = Zeros(Shape.Wrap(dims), dtype);
        switch (dtype)
        {
            case DType.Float32: { var s = o.Span<float>(); for (int i = 0; i < idx.Length; i++) s[i * numClasses + (int)idx[i]] = 1; break; }
            case DType.Float64: { var s = o.Span<double>(); for (int i = 0; i < idx.Length; i++) s[i * numClasses + (int)idx[i]] = 1; break; }
            case DType.Int64: { var s = o.Span<long>(); for (int i = 0; i < idx.Length; i++) s[i * numClasses + (int)idx[i]] = 1; break; }
            default: { var s = o.Span<bool>(); for (int i = 0; i < idx.Length; i++) s[i * numClasses + (int)idx[i]] = true; break; }
        }
        return o;
    }
}

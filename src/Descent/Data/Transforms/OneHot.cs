using Descent.Tensors;

namespace Descent.Data;

/// <summary>
/// Class ids (Int64, any shape) → one-hot vectors with a trailing dim of <see cref="NumClasses"/>
/// (PyTorch's <c>F.one_hot</c>, but producing floats so the result can feed a loss directly).
/// </summary>
public sealed class OneHot : IBatchTransform
{
    /// <summary>One-hot encoding over <paramref name="numClasses"/> classes, producing <paramref name="dtype"/>.</summary>
    public OneHot(int numClasses, DType dtype = DType.Float32)
    {
        if (numClasses < 1)
            throw new ArgumentOutOfRangeException(nameof(numClasses), numClasses, "OneHot: needs at least one class.");
        if (!dtype.IsFloatingPoint() && dtype != DType.Int64)
            throw new ArgumentException($"OneHot: output dtype must be float32, float64 or int64, not {dtype.TorchName()}.", nameof(dtype));
        NumClasses = numClasses;
        DType = dtype;
    }

    /// <summary>Number of classes (length of each one-hot vector).</summary>
    public int NumClasses { get; }

    /// <summary>Output element type.</summary>
    public DType DType { get; }

    /// <inheritdoc/>
    public Tensor Apply(Tensor batch, TransformContext context)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(context);
        if (batch.DType != DType.Int64)
            throw new ArgumentException($"OneHot: expected int64 class ids, got {batch.DType.TorchName()} {batch.Shape}.");
        var dims = new int[batch.Rank + 1];
        batch.Shape.Dims.CopyTo(dims);
        dims[^1] = NumClasses;
        var output = context.Output(Shape.Wrap(dims), DType);
        var ids = batch.Span<long>();
        for (int i = 0; i < ids.Length; i++)
            if ((ulong)ids[i] >= (ulong)NumClasses)
                throw new ArgumentException($"OneHot: class id {ids[i]} at position {i} is outside 0..{NumClasses - 1}.");
        switch (DType)
        {
            case DType.Float32: Fill(ids, output.Span<float>(), 1f); break;
            case DType.Float64: Fill(ids, output.Span<double>(), 1.0); break;
            default: Fill(ids, output.Span<long>(), 1L); break;
        }
        return output;
    }

    private void Fill<T>(ReadOnlySpan<long> ids, Span<T> output, T one) where T : unmanaged
    {
        output.Clear();
        for (int i = 0; i < ids.Length; i++)
            output[i * NumClasses + (int)ids[i]] = one;
    }
}

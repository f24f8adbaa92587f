using Descent.Tensors;

namespace Descent.Data;

/// <summary>
/// A dataset over two in-memory tensors whose first dimension indexes samples (PyTorch's <c>TensorDataset</c>):
/// features <c>[N, ...]</c> and targets <c>[N]</c> (Int64 class ids) or <c>[N, k]</c> (floats).
/// Samples returned by <see cref="Get"/> are views sharing the tensors' memory.
/// </summary>
public sealed class TensorDataset : IDataset
{
    private readonly int _featureSize;
    private readonly int _targetSize;

    /// <summary>Wraps <paramref name="features"/> and <paramref name="targets"/> (not copied; they must not be inside a step scope).</summary>
    public TensorDataset(Tensor features, Tensor targets)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(targets);
        if (features.Rank == 0 || targets.Rank == 0)
            throw new ArgumentException(
                $"TensorDataset: features {features.Shape} and targets {targets.Shape} need a leading sample dimension.");
        if (features.Shape[0] != targets.Shape[0])
            throw new ArgumentException(
                $"TensorDataset: features {features.Shape} and targets {targets.Shape} have different sample counts ({features.Shape[0]} vs {targets.Shape[0]}).");
        if (targets.DType == DType.Bool)
            throw new ArgumentException("TensorDataset: targets must be int64 class ids or floats, not bool.");
        if (targets.DType == DType.Int64 && targets.Rank != 1)
            throw new ArgumentException($"TensorDataset: int64 targets are class ids and must have shape [N], got {targets.Shape}.");
        DatasetChecks.LongLived("TensorDataset", "features", features);
        DatasetChecks.LongLived("TensorDataset", "targets", targets);
        Features = features;
        Targets = targets;
        FeatureShape = Tail(features.Shape);
        TargetShape = Tail(targets.Shape);
        _featureSize = FeatureShape.Numel;
        _targetSize = TargetShape.Numel;
    }

    /// <summary>All features, <c>[N, ..FeatureShape]</c>.</summary>
    public Tensor Features { get; }

    /// <summary>All targets, <c>[N, ..TargetShape]</c>.</summary>
    public Tensor Targets { get; }

    /// <inheritdoc/>
    public int Count => Features.Shape[0];

    /// <inheritdoc/>
    public Shape FeatureShape { get; }

    /// <inheritdoc/>
    public Shape TargetShape { get; }

    /// <inheritdoc/>
    public DType FeatureDType => Features.DType;

    /// <inheritdoc/>
    public DType TargetDType => Targets.DType;

    /// <inheritdoc/>
    public (Tensor Features, Tensor Target) Get(int index)
    {
        DatasetChecks.Index("TensorDataset", index, Count);
        return (new Tensor(Features.Storage, Features.Offset + index * _featureSize, FeatureShape),
                new Tensor(Targets.Storage, Targets.Offset + index * _targetSize, TargetShape));
    }

    /// <inheritdoc/>
    public void GetBatch(ReadOnlySpan<int> indices, Tensor features, Tensor targets)
    {
        DatasetChecks.Batch(this, "TensorDataset", indices.Length, features, targets);
        Gather(Features, _featureSize, indices, features, Count);
        Gather(Targets, _targetSize, indices, targets, Count);
    }

    /// <summary>Copies rows <paramref name="indices"/> of <paramref name="source"/> (rows of <paramref name="rowSize"/>) into <paramref name="dest"/>.</summary>
    internal static void Gather(Tensor source, int rowSize, ReadOnlySpan<int> indices, Tensor dest, int count)
    {
        switch (source.DType)
        {
            case DType.Float32: Gather<float>(source.Span<float>(), rowSize, indices, dest.Span<float>(), count); break;
            case DType.Float64: Gather<double>(source.Span<double>(), rowSize, indices, dest.Span<double>(), count); break;
            case DType.Int64: Gather<long>(source.Span<long>(), rowSize, indices, dest.Span<long>(), count); break;
            case DType.Bool: Gather<bool>(source.Span<bool>(), rowSize, indices, dest.Span<bool>(), count); break;
        }
    }

    private static void Gather<T>(ReadOnlySpan<T> src, int rowSize, ReadOnlySpan<int> indices, Span<T> dst, int count)
        where T : unmanaged
    {
        if (rowSize == 1)
        {
            for (int b = 0; b < indices.Length; b++)
            {
                int i = indices[b];
                DatasetChecks.Index("TensorDataset", i, count);
                dst[b] = src[i];
            }
            return;
        }
        for (int b = 0; b < indices.Length; b++)
        {
            int i = indices[b];
            DatasetChecks.Index("TensorDataset", i, count);
            src.Slice(i * rowSize, rowSize).CopyTo(dst.Slice(b * rowSize, rowSize));
        }
    }

    private static Shape Tail(Shape s) => Shape.Wrap(s.Dims[1..].ToArray());
}

using Descent.Tensors;

namespace Descent.Data;

/// <summary>
/// A finite, indexable collection of (features, target) samples (PyTorch's map-style <c>Dataset</c>).
/// Every sample has the same <see cref="FeatureShape"/> and <see cref="TargetShape"/>, so batches are dense tensors.
/// </summary>
public interface IDataset
{
    /// <summary>Number of samples.</summary>
    int Count { get; }

    /// <summary>Shape of one sample's features (e.g. <c>[1, 28, 28]</c> or <c>[784]</c>).</summary>
    Shape FeatureShape { get; }

    /// <summary>Shape of one sample's target: <c>[]</c> for a class id, <c>[k]</c> for k float targets.</summary>
    Shape TargetShape { get; }

    /// <summary>Element type of the features.</summary>
    DType FeatureDType { get; }

    /// <summary>Element type of the targets (Int64 for class ids, a float type for regression targets).</summary>
    DType TargetDType { get; }

    /// <summary>Sample <paramref name="index"/> (0 ≤ index &lt; <see cref="Count"/>); may be a view sharing the dataset's memory.</summary>
    (Tensor Features, Tensor Target) Get(int index);

    /// <summary>
    /// Batch fast path: copies the samples at <paramref name="indices"/> into the preallocated
    /// <paramref name="features"/> (<c>[B, ..FeatureShape]</c>) and <paramref name="targets"/>
    /// (<c>[B, ..TargetShape]</c>), B = indices.Length, without allocating per sample.
    /// </summary>
    void GetBatch(ReadOnlySpan<int> indices, Tensor features, Tensor targets);
}

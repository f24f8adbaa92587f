using System.Buffers;
using Descent.Tensors;

namespace Descent.Data;

/// <summary>
/// A view of a dataset restricted to some of its indices, in the given order (PyTorch's <c>Subset</c>).
/// Holds only the index list: the samples are read from <see cref="Parent"/>, never copied.
/// </summary>
public sealed class Subset : IDataset
{
    private readonly int[] _indices;

    /// <summary>The samples <paramref name="indices"/> of <paramref name="parent"/> (the array is copied).</summary>
    public Subset(IDataset parent, ReadOnlySpan<int> indices)
    {
        ArgumentNullException.ThrowIfNull(parent);
        foreach (int i in indices)
            if ((uint)i >= (uint)parent.Count)
                throw new ArgumentOutOfRangeException(nameof(indices), i,
                    $"Subset: index {i} is out of range for a dataset of {parent.Count} samples.");
        Parent = parent;
        _indices = indices.ToArray();
    }

    /// <summary>The dataset this subset reads from.</summary>
    public IDataset Parent { get; }

    /// <summary>The parent indices, in subset order.</summary>
    public ReadOnlySpan<int> Indices => _indices;

    /// <inheritdoc/>
    public int Count => _indices.Length;

    /// <inheritdoc/>
    public Shape FeatureShape => Parent.FeatureShape;

    /// <inheritdoc/>
    public Shape TargetShape => Parent.TargetShape;

    /// <inheritdoc/>
    public DType FeatureDType => Parent.FeatureDType;

    /// <inheritdoc/>
    public DType TargetDType => Parent.TargetDType;

    /// <inheritdoc/>
    public (Tensor Features, Tensor Target) Get(int index)
    {
        DatasetChecks.Index("Subset", index, Count);
        return Parent.Get(_indices[index]);
    }

    /// <inheritdoc/>
    public void GetBatch(ReadOnlySpan<int> indices, Tensor features, Tensor targets)
    {
        // Map through the index list into a pooled scratch array: no allocation in steady state.
        var mapped = ArrayPool<int>.Shared.Rent(Math.Max(indices.Length, 1));
        try
        {
            for (int b = 0; b < indices.Length; b++)
            {
                DatasetChecks.Index("Subset", indices[b], Count);
                mapped[b] = _indices[indices[b]];
            }
            Parent.GetBatch(mapped.AsSpan(0, indices.Length), features, targets);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(mapped);
        }
    }
}

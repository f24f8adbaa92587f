using Descent.Tensors;

namespace Descent.Data;

/// <summary>
/// One batch from a <see cref="DataLoader"/>: features <c>[B, ...]</c> and targets <c>[B, ...]</c>, both views of
/// loader-owned buffers (see <see cref="DataLoader"/> for how long they stay valid).
/// Deconstructs as <c>var (x, y) = batch</c>.
/// </summary>
public readonly struct Batch
{
    internal Batch(Tensor features, Tensor targets, ReadOnlyMemory<int> sampleIndices, int epoch, int index)
    {
        Features = features;
        Targets = targets;
        SampleIndices = sampleIndices;
        Epoch = epoch;
        Index = index;
    }

    /// <summary>The batch's features (after the loader's transform).</summary>
    public Tensor Features { get; }

    /// <summary>The batch's targets (after the loader's target transform).</summary>
    public Tensor Targets { get; }

    /// <summary>
    /// The dataset index of each row, in row order (a view of the loader's epoch order: valid as long as the batch).
    /// Lets per-sample data computed once (e.g. a teacher's precomputed logits) follow the shuffle.
    /// </summary>
    public ReadOnlyMemory<int> SampleIndices { get; }

    /// <summary>The epoch this batch belongs to.</summary>
    public int Epoch { get; }

    /// <summary>Position of this batch within its epoch (from 0).</summary>
    public int Index { get; }

    /// <summary>Number of samples (the last batch of an epoch may be smaller).</summary>
    public int Size => Features.Shape[0];

    /// <summary>Splits into (features, targets).</summary>
    public void Deconstruct(out Tensor features, out Tensor targets)
    {
        features = Features;
        targets = Targets;
    }
}

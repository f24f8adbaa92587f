using Descent.Tensors;

namespace Descent.Data;

/// <summary>Flattens each sample: <c>[B, d1, d2, ...]</c> → <c>[B, d1·d2·…]</c>, as a free view (no copy).</summary>
public sealed class Flatten : IBatchTransform
{
    /// <inheritdoc/>
    public Tensor Apply(Tensor batch, TransformContext context)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Rank < 1)
            throw new ArgumentException($"Flatten: expected a batch [B, ...], got a scalar.");
        return batch.Rank == 2 ? batch : batch.Flatten(1);
    }
}

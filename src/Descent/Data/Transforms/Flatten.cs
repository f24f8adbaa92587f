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
        if (batch.Rank == 2) return batch;
        if (batch.RequiresGrad) return batch.Flatten(1);
        // Data batches carry no autograd history: a bare view header is all that is needed.
        int b = batch.Shape[0];
        return new Tensor(batch.Storage, batch.Offset, Shape.Wrap([b, b == 0 ? 0 : batch.Numel / b]));
    }
}

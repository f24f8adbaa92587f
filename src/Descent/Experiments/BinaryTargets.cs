using Descent.Data;
using Descent.Tensors;

namespace Descent.Experiments;

/// <summary>
/// Turns class ids 0/1 <c>[B]</c> (Int64) into float targets <c>[B, 1]</c>, the form BCELoss and BCEWithLogitsLoss
/// expect for a single-output binary classifier.
/// </summary>
internal sealed class BinaryTargets(DType dtype) : IBatchTransform
{
    public Tensor Apply(Tensor batch, TransformContext context)
    {
        if (batch.DType != DType.Int64 || batch.Rank != 1)
            throw new ArgumentException($"binary targets: expected int64 class ids [B], got {batch.DType.TorchName()} {batch.Shape}.");
        var output = context.Output(new Shape(batch.Shape[0], 1), dtype);
        var ids = batch.Span<long>();
        for (int i = 0; i < ids.Length; i++)
        {
            if ((ulong)ids[i] > 1) throw new ArgumentException($"binary targets: class id {ids[i]} at position {i} is not 0 or 1.");
            if (dtype == DType.Float32) output.Span<float>()[i] = ids[i];
            else output.Span<double>()[i] = ids[i];
        }
        return output;
    }
}

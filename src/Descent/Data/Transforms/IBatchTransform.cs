using Descent.Tensors;

namespace Descent.Data;

/// <summary>
/// A transform applied to a whole batch <c>[B, ...]</c> at once (torchvision's transforms, batched).
/// Inside a <see cref="DataLoader"/> the input is loader-owned scratch that may be modified in place;
/// outputs of a new shape come from <see cref="TransformContext.Output"/>, never from fresh allocations.
/// </summary>
public interface IBatchTransform
{
    /// <summary>Transforms <paramref name="batch"/>; returns the result (possibly <paramref name="batch"/> itself, modified).</summary>
    Tensor Apply(Tensor batch, TransformContext context);
}

/// <summary>Convenience calls for using a batch transform outside a <see cref="DataLoader"/>.</summary>
public static class BatchTransformExtensions
{
    /// <summary>
    /// Applies <paramref name="transform"/> to <paramref name="batch"/> without modifying it (the result is new
    /// memory); random transforms draw from <paramref name="generator"/> (default: <see cref="Generator.Default"/>).
    /// </summary>
    public static Tensor Apply(this IBatchTransform transform, Tensor batch, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(transform);
        return transform.Apply(batch, new TransformContext(generator ?? Generator.Default));
    }
}

using Descent.Tensors;

namespace Descent.Data;

/// <summary>Applies several batch transforms in order (torchvision's <c>Compose</c>).</summary>
public sealed class Compose : IBatchTransform
{
    private readonly IBatchTransform[] _transforms;

    /// <summary>The transforms, applied first to last.</summary>
    public Compose(params IBatchTransform[] transforms)
    {
        ArgumentNullException.ThrowIfNull(transforms);
        foreach (var t in transforms)
            ArgumentNullException.ThrowIfNull(t, nameof(transforms));
        _transforms = (IBatchTransform[])transforms.Clone();
    }

    /// <summary>The transforms in application order.</summary>
    public IReadOnlyList<IBatchTransform> Transforms => _transforms;

    /// <inheritdoc/>
    public Tensor Apply(Tensor batch, TransformContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var x = batch;
        foreach (var t in _transforms)
            x = t.Apply(x, context);
        return x;
    }
}

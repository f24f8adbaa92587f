using Descent.Tensors;

namespace Descent.NN;

/// <summary>Merges dims <c>startDim..endDim</c> into one, a free view (PyTorch's <c>nn.Flatten</c>, default from dim 1).</summary>
public sealed class Flatten(int startDim = 1, int endDim = -1) : Module
{
    /// <summary>First dim merged.</summary>
    public int StartDim { get; } = startDim;

    /// <summary>Last dim merged.</summary>
    public int EndDim { get; } = endDim;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input.Flatten(StartDim, EndDim);

    /// <inheritdoc/>
    public override string ExtraRepr() => $"start_dim={Repr.Int(StartDim)}, end_dim={Repr.Int(EndDim)}";
}

/// <summary>Returns its input unchanged (PyTorch's <c>nn.Identity</c>), e.g. to replace a layer.</summary>
public sealed class Identity : Module
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input;
}

using Descent.Tensors;

namespace Descent.NN;

/// <summary>
/// Binary cross-entropy on probabilities (PyTorch's <c>nn.BCELoss</c>), optionally weighted per element
/// (<c>weight</c> broadcast to the input). Inputs outside [0, 1] throw, naming the value and its position.
/// </summary>
public sealed class BCELoss(Tensor? weight = null, Reduction reduction = Reduction.Mean) : Loss(reduction)
{
    /// <summary>Rescaling weight broadcast over the input (null for none).</summary>
    public Tensor? Weight { get; } = weight;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor target) => Functional.BinaryCrossEntropy(input, target, Weight, Reduction);
}

/// <summary>
/// Sigmoid + binary cross-entropy in one numerically stable step (PyTorch's <c>nn.BCEWithLogitsLoss</c>), with
/// optional <c>weight</c> and <c>posWeight</c> (weight of positive examples per class, broadcast over the last dim).
/// </summary>
public sealed class BCEWithLogitsLoss(Tensor? weight = null, Reduction reduction = Reduction.Mean, Tensor? posWeight = null) : Loss(reduction)
{
    /// <summary>Rescaling weight broadcast over the input (null for none).</summary>
    public Tensor? Weight { get; } = weight;

    /// <summary>Positive-class weight (null for none).</summary>
    public Tensor? PosWeight { get; } = posWeight;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor target) =>
        Functional.BinaryCrossEntropyWithLogits(input, target, Weight, PosWeight, Reduction);
}

/// <summary>
/// Negative log-likelihood on log-probabilities with int64 class targets (PyTorch's <c>nn.NLLLoss</c>): optional
/// class <c>weight</c>, an <c>ignoreIndex</c> whose targets count for nothing, the mean divided by the summed weight.
/// </summary>
public sealed class NLLLoss(Tensor? weight = null, long ignoreIndex = -100, Reduction reduction = Reduction.Mean) : Loss(reduction)
{
    /// <summary>Per-class weight [C] (null for none).</summary>
    public Tensor? Weight { get; } = weight;

    /// <summary>Targets equal to this are ignored.</summary>
    public long IgnoreIndex { get; } = ignoreIndex;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor target) => Functional.NllLoss(input, target, Weight, IgnoreIndex, Reduction);
}

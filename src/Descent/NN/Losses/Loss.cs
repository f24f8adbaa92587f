using Descent.Tensors;

namespace Descent.NN;

/// <summary>
/// Base of the loss functions (PyTorch's <c>nn._Loss</c>): a criterion comparing a model's output with a target.
/// Losses hold configuration only (reduction, class weights), no trainable state.
/// </summary>
public abstract class Loss
{
    /// <summary>Creates the loss with <paramref name="reduction"/>.</summary>
    protected Loss(Reduction reduction)
    {
        reduction.RequireNotBatchMean(GetType().Name);
        Reduction = reduction;
    }

    /// <summary>Creates a loss that accepts every reduction (KLDivLoss).</summary>
    private protected Loss(Reduction reduction, bool allowBatchMean)
    {
        if (!allowBatchMean) reduction.RequireNotBatchMean(GetType().Name);
        Reduction = reduction;
    }

    /// <summary>How per-element terms are combined.</summary>
    public Reduction Reduction { get; }

    /// <summary>The loss of <paramref name="input"/> (model output) against <paramref name="target"/>.</summary>
    public abstract Tensor Forward(Tensor input, Tensor target);

    /// <summary>Same as <see cref="Forward"/> (PyTorch's <c>criterion(input, target)</c>).</summary>
    public Tensor Call(Tensor input, Tensor target) => Forward(input, target);

    /// <inheritdoc/>
    public override string ToString() => $"{GetType().Name}(reduction={Reduction.TorchName()})";
}

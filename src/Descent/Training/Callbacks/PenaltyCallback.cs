using Descent.NN;
using Descent.Optim;

namespace Descent.Training.Callbacks;

/// <summary>
/// Adds L1 and/or L2 penalty terms on the model's weights to the loss before backward (λ₁·Σ|w| + λ₂·Σw²; see
/// docs/optimizers.md for how this differs from the optimizer's coupled and decoupled weight decay). By default
/// only weights (parameters of rank ≥ 2) are penalized, not biases or normalization scales.
/// </summary>
public sealed class PenaltyCallback : ICallback
{
    /// <summary>Creates the callback with coefficients λ₁ (L1) and λ₂ (L2).</summary>
    public PenaltyCallback(double l1 = 0, double l2 = 0, bool weightsOnly = true)
    {
        if (l1 < 0 || double.IsNaN(l1)) throw new ArgumentOutOfRangeException(nameof(l1), l1, "l1 must be ≥ 0.");
        if (l2 < 0 || double.IsNaN(l2)) throw new ArgumentOutOfRangeException(nameof(l2), l2, "l2 must be ≥ 0.");
        L1 = l1;
        L2 = l2;
        WeightsOnly = weightsOnly;
    }

    /// <summary>L1 coefficient.</summary>
    public double L1 { get; }

    /// <summary>L2 coefficient.</summary>
    public double L2 { get; }

    /// <summary>Penalize only parameters of rank ≥ 2.</summary>
    public bool WeightsOnly { get; }

    void ICallback.OnLossComputed(TrainingContext context)
    {
        var weights = Weights(context.Model).ToList();
        if (weights.Count == 0) return;
        if (L1 > 0) context.LossTensor = context.LossTensor! + Penalties.L1(weights, L1);
        if (L2 > 0) context.LossTensor = context.LossTensor! + Penalties.L2(weights, L2);
    }

    private IEnumerable<Descent.Tensors.Tensor> Weights(Module model) =>
        model.Parameters().Where(p => !WeightsOnly || p.Rank >= 2);
}

using Descent.Tensors;

namespace Descent.Optim;

/// <summary>The penalty families of <see cref="Penalties"/>.</summary>
public enum PenaltyKind
{
    /// <summary>λ·Σ|w| (lasso; gradient λ·sign(w), sign(0) = 0).</summary>
    L1,

    /// <summary>λ·Σw² (ridge; gradient 2λw).</summary>
    L2,

    /// <summary>½λ·Σw² (gradient λw: the form whose gradient equals coupled weight decay with wd = λ).</summary>
    L2Half,
}

/// <summary>Penalty coefficients for one group of parameters (e.g. weights penalized, biases not).</summary>
/// <param name="Parameters">The penalized tensors.</param>
/// <param name="L1">Coefficient of Σ|w|.</param>
/// <param name="L2">Coefficient of Σw².</param>
public sealed record PenaltyGroup(IReadOnlyList<Tensor> Parameters, double L1 = 0, double L2 = 0);

/// <summary>
/// L1/L2 regularization terms to add to the loss: differentiable 0-d tensors built from autograd ops (abs, mul, sum;
/// abs'(0) = 0 as in PyTorch), so
/// <c>(loss + Penalties.L2(weights, 1e-4)).Backward()</c> adds their gradients. Adding ½λ‖w‖² to the loss is the same
/// as coupled weight decay wd = λ for SGD, but not for adaptive optimizers nor AdamW (see docs/optimizers.md).
/// </summary>
public static class Penalties
{
    /// <summary>λ·Σᵢ Σ|wᵢ| over every tensor.</summary>
    public static Tensor L1(IEnumerable<Tensor> weights, double lambda) => Penalty(PenaltyKind.L1, weights, lambda);

    /// <summary>λ·Σᵢ Σwᵢ² over every tensor.</summary>
    public static Tensor L2(IEnumerable<Tensor> weights, double lambda) => Penalty(PenaltyKind.L2, weights, lambda);

    /// <summary>The <paramref name="kind"/> penalty with coefficient <paramref name="lambda"/> (≥ 0) over every tensor.</summary>
    public static Tensor Penalty(PenaltyKind kind, IEnumerable<Tensor> weights, double lambda)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ValueRange.NonNegative.Check("penalty", "lambda", lambda);
        Tensor? sum = null;
        foreach (var w in weights)
        {
            ArgumentNullException.ThrowIfNull(w, nameof(weights));
            w.RequireFloat("penalty");
            var term = kind == PenaltyKind.L1 ? w.Abs().Sum() : (w * w).Sum();
            sum = sum is null ? term : sum + term;
        }
        if (sum is null)
            throw new ArgumentException("penalty: no tensors given.", nameof(weights));
        double scale = kind == PenaltyKind.L2Half ? 0.5 * lambda : lambda;
        return sum * scale;
    }

    /// <summary>Σ over groups of L1·Σ|w| + L2·Σw² (elastic net with per-group coefficients).</summary>
    public static Tensor Of(IEnumerable<PenaltyGroup> groups)
    {
        ArgumentNullException.ThrowIfNull(groups);
        Tensor? total = null;
        foreach (var g in groups)
        {
            ArgumentNullException.ThrowIfNull(g, nameof(groups));
            if (g.L1 != 0) total = Add(total, L1(g.Parameters, g.L1));
            if (g.L2 != 0) total = Add(total, L2(g.Parameters, g.L2));
        }
        return total ?? throw new ArgumentException("penalty: every group has zero coefficients; nothing to add.", nameof(groups));
    }

    private static Tensor Add(Tensor? a, Tensor b) => a is null ? b : a + b;
}

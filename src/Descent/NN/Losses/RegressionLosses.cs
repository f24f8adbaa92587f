using System.Globalization;
using Descent.Tensors;

namespace Descent.NN;

/// <summary>Mean squared error (PyTorch's <c>nn.MSELoss</c>).</summary>
public sealed class MSELoss(Reduction reduction = Reduction.Mean) : Loss(reduction)
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor target) => Functional.MseLoss(input, target, Reduction);
}

/// <summary>Mean absolute error (PyTorch's <c>nn.L1Loss</c>).</summary>
public sealed class L1Loss(Reduction reduction = Reduction.Mean) : Loss(reduction)
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor target) => Functional.L1Loss(input, target, Reduction);
}

/// <summary>Smooth L1: ½d²/β below β, |d| − ½β above (PyTorch's <c>nn.SmoothL1Loss</c>; β = 0 is L1).</summary>
public sealed class SmoothL1Loss : Loss
{
    /// <summary>Creates the loss.</summary>
    public SmoothL1Loss(Reduction reduction = Reduction.Mean, double beta = 1.0) : base(reduction)
    {
        if (!(beta >= 0)) throw new ArgumentOutOfRangeException(nameof(beta), beta, "SmoothL1Loss: beta must be non-negative.");
        Beta = beta;
    }

    /// <summary>Threshold between the quadratic and linear parts.</summary>
    public double Beta { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor target) => Functional.SmoothL1Loss(input, target, Reduction, Beta);

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"SmoothL1Loss(reduction={Reduction.TorchName()}, beta={Beta})");
}

/// <summary>Huber: ½d² up to δ, δ(|d| − ½δ) above (PyTorch's <c>nn.HuberLoss</c>).</summary>
public sealed class HuberLoss : Loss
{
    /// <summary>Creates the loss.</summary>
    public HuberLoss(Reduction reduction = Reduction.Mean, double delta = 1.0) : base(reduction)
    {
        if (!(delta > 0)) throw new ArgumentOutOfRangeException(nameof(delta), delta, "HuberLoss: delta must be positive.");
        Delta = delta;
    }

    /// <summary>Threshold between the quadratic and linear parts.</summary>
    public double Delta { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor target) => Functional.HuberLoss(input, target, Reduction, Delta);

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"HuberLoss(reduction={Reduction.TorchName()}, delta={Delta})");
}

/// <summary>KL divergence on log-probability inputs (PyTorch's <c>nn.KLDivLoss</c>); use <see cref="Reduction.BatchMean"/> for the true KL.</summary>
public sealed class KLDivLoss(Reduction reduction = Reduction.Mean, bool logTarget = false) : Loss(reduction, allowBatchMean: true)
{
    /// <summary>True when targets are log-probabilities.</summary>
    public bool LogTarget { get; } = logTarget;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor target) => Functional.KLDiv(input, target, Reduction, LogTarget);
}

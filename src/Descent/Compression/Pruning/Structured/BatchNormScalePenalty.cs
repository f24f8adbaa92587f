using Descent.NN;
using Descent.Optim;
using Descent.Tensors;
using Descent.Training;

namespace Descent.Compression.Pruning.Structured;

/// <summary>
/// Network slimming's sparsity penalty (Liu et al. 2017, "Learning Efficient Convolutional Networks through Network
/// Slimming"): adds λ·Σ|γ| over the scales of every BatchNorm of the model to the loss before backward, pushing the
/// scales of unneeded channels towards zero so that <see cref="ImportanceCriterion.BnScale"/> can remove them.
/// The paper uses λ around 1e-4 to 1e-5.
/// </summary>
public sealed class BatchNormScalePenalty : ICallback
{
    /// <summary>Creates the penalty with coefficient <paramref name="lambda"/> (≥ 0).</summary>
    public BatchNormScalePenalty(double lambda)
    {
        if (!(lambda >= 0) || double.IsInfinity(lambda))
            throw new ArgumentOutOfRangeException(nameof(lambda), lambda, "BatchNorm scale penalty: lambda must be a finite number ≥ 0.");
        Lambda = lambda;
    }

    /// <summary>The coefficient λ.</summary>
    public double Lambda { get; }

    /// <summary>The BatchNorm scales γ of <paramref name="model"/>, in model order (affine BatchNorms only).</summary>
    public static IReadOnlyList<Tensor> Scales(Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.NamedModules().Select(m => m.Module).OfType<BatchNorm>().Where(bn => bn.Weight is not null).Select(bn => bn.Weight!).ToList();
    }

    void ICallback.OnLossComputed(TrainingContext context)
    {
        if (Lambda == 0) return;
        var scales = Scales(context.Model);
        if (scales.Count == 0)
            throw new InvalidOperationException("BatchNorm scale penalty: the model has no BatchNorm with a scale γ (affine).");
        context.LossTensor = context.LossTensor! + Penalties.L1(scales, Lambda);
    }
}

using System.Globalization;
using Descent.Tensors;

namespace Descent.NN;

/// <summary>
/// Hinton et al. (2015) distillation loss: α·CE(z_s, y) + (1 − α)·T²·KL_batchmean(softmax(z_t/T) ‖ softmax(z_s/T)).
/// α weighs the hard labels, (1 − α) the soft targets; T² sits inside the soft term; batchmean divides the KL summed
/// over classes by the batch size only. The teacher's logits receive no gradient. Stable for logits of any magnitude
/// (log-softmax throughout; a teacher probability that underflows to 0 contributes 0).
/// </summary>
public sealed class HintonDistillationLoss
{
    /// <summary>
    /// Why only <c>batchmean</c> is offered: the reduction named "mean" in PyTorch's <c>kl_div</c> (its default)
    /// averages over batch × classes and so divides the soft term by the class count.
    /// </summary>
    public const string ReductionRule =
        "distillation's soft term needs reduction 'batchmean' (the KL summed over classes, averaged over the batch: the true KL per sample, " +
        "Hinton et al. 2015); 'mean' would average over batch × classes, silently dividing the soft loss (and its gradient) by the class count, " +
        "and 'sum' or 'none' would make α and T² weigh a differently scaled term. No other reduction is offered";

    /// <summary>Creates the loss with temperature <paramref name="temperature"/> and hard-label weight <paramref name="alpha"/>.</summary>
    /// <param name="temperature">Softening temperature T &gt; 0.</param>
    /// <param name="alpha">Weight α ∈ [0, 1] of the cross-entropy with the labels; the soft term gets 1 − α.</param>
    /// <param name="reduction">Only <see cref="Reduction.BatchMean"/> (see <see cref="ReductionRule"/>); anything else throws, saying why.</param>
    public HintonDistillationLoss(double temperature = 4.0, double alpha = 0.5, Reduction reduction = Reduction.BatchMean)
    {
        if (!(temperature > 0) || double.IsInfinity(temperature))
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "HintonDistillationLoss: temperature must be positive and finite.");
        if (!(alpha >= 0 && alpha <= 1)) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "HintonDistillationLoss: alpha must be in [0, 1].");
        if (reduction != Reduction.BatchMean)
            throw new ArgumentException($"HintonDistillationLoss: reduction '{reduction.TorchName()}' is not offered: {ReductionRule}.", nameof(reduction));
        Temperature = temperature;
        Alpha = alpha;
    }

    /// <summary>Softening temperature T.</summary>
    public double Temperature { get; }

    /// <summary>Weight of the hard-label cross-entropy.</summary>
    public double Alpha { get; }

    /// <summary>Always <see cref="Reduction.BatchMean"/> for the soft term (the hard term is the mean cross-entropy).</summary>
    public Reduction Reduction => Reduction.BatchMean;

    /// <summary>
    /// Label smoothing ε of the hard term's cross-entropy (PyTorch's <c>label_smoothing</c>; default 0, Hinton's plain
    /// CE). Lets a distilled student keep the hard loss its experiment trains (and validates) with.
    /// </summary>
    public double LabelSmoothing
    {
        get => _labelSmoothing;
        init => _labelSmoothing = value is >= 0 and <= 1 ? value
            : throw new ArgumentOutOfRangeException(nameof(LabelSmoothing), value, "HintonDistillationLoss: label_smoothing must be in [0, 1].");
    }

    private readonly double _labelSmoothing;

    /// <summary>The loss and its unscaled parts (cross-entropy with the labels, KL to the teacher without T²).</summary>
    public (Tensor Loss, Tensor CrossEntropy, Tensor KL) Forward(Tensor studentLogits, Tensor teacherLogits, Tensor target) =>
        Functional.DistillationLoss(studentLogits, teacherLogits, target, Temperature, Alpha);

    /// <summary>
    /// The loss and its parts as the loss weighs them: <see cref="DistillationLossTerms.HardLoss"/> = CE(z_s, y),
    /// <see cref="DistillationLossTerms.SoftLoss"/> = T²·KL (T² included), Loss = α·hard + (1 − α)·soft.
    /// </summary>
    public DistillationLossTerms Compute(Tensor studentLogits, Tensor teacherLogits, Tensor target) =>
        ComputeWithSoftTargets(studentLogits, Functional.SoftTargets(teacherLogits, Temperature), target);

    /// <summary>As <see cref="Compute(Tensor, Tensor, Tensor)"/> with several teachers whose soft targets are averaged.</summary>
    public DistillationLossTerms Compute(Tensor studentLogits, IReadOnlyList<Tensor> teacherLogits, Tensor target) =>
        ComputeWithSoftTargets(studentLogits, Functional.SoftTargets(teacherLogits, Temperature), target);

    /// <summary>
    /// As <see cref="Compute(Tensor, Tensor, Tensor)"/> with soft targets already computed at this loss's temperature
    /// (log-probabilities from <see cref="Functional.SoftTargets(Tensor, double)"/>, e.g. precomputed once per data set).
    /// </summary>
    public DistillationLossTerms ComputeWithSoftTargets(Tensor studentLogits, Tensor softTargets, Tensor target)
    {
        ArgumentNullException.ThrowIfNull(studentLogits);
        var hard = Functional.CrossEntropy(studentLogits, target, labelSmoothing: LabelSmoothing);
        var soft = Functional.SoftTargetLoss(studentLogits, softTargets, Temperature);
        return new DistillationLossTerms(hard * Alpha + soft * (1 - Alpha), hard, soft);
    }

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"HintonDistillationLoss(T={Temperature}, alpha={Alpha})");
}

/// <summary>
/// The Hinton loss of a batch and its two parts: <see cref="HardLoss"/> = CE(z_s, y) (mean), <see cref="SoftLoss"/> =
/// T²·KL_batchmean (T² included), <see cref="Loss"/> = α·HardLoss + (1 − α)·SoftLoss. All three are scalars; only
/// <see cref="Loss"/> is meant to be back-propagated (the parts share its graph).
/// </summary>
public sealed record DistillationLossTerms(Tensor Loss, Tensor HardLoss, Tensor SoftLoss);

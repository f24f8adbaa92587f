using Descent.Tensors;
using Descent.Tensors.Autograd;

namespace Descent.NN;

/// <summary>
/// Knowledge distillation (Hinton, Vinyals and Dean 2015, "Distilling the Knowledge in a Neural Network"): soft targets
/// from one or several teachers and the Hinton loss α·CE(z_s, y) + (1 − α)·T²·KL_batchmean(p_t ‖ softmax(z_s/T)).
/// </summary>
public static partial class Functional
{
    /// <summary>
    /// Soft targets of one teacher as log-probabilities: log_softmax(<paramref name="teacherLogits"/>/T) over dim 1
    /// (dim 0 when unbatched), without gradient. Log-probabilities rather than probabilities keep the KL exact when a
    /// teacher probability underflows to 0 (logits 800·T apart): its term contributes p·(log p − log q) = 0.
    /// </summary>
    public static Tensor SoftTargets(Tensor teacherLogits, double temperature)
    {
        ArgumentNullException.ThrowIfNull(teacherLogits);
        RequirePositiveTemperature(temperature);
        teacherLogits.RequireFloat("soft_targets");
        using var noGrad = GradMode.Disable();
        return Tensor.LogSoftmax(teacherLogits.Detach() / temperature, ClassDim(teacherLogits));
    }

    /// <summary>
    /// Averaged soft targets of several teachers (an ensemble, as in Hinton et al. §1): log((1/K)·Σ_k softmax(z_k/T)),
    /// computed as logsumexp_k(log_softmax(z_k/T)) − log K so that no probability is exponentiated into underflow.
    /// The teachers' logits must have one shape; no gradient flows to them.
    /// </summary>
    public static Tensor SoftTargets(IReadOnlyList<Tensor> teacherLogits, double temperature)
    {
        ArgumentNullException.ThrowIfNull(teacherLogits);
        if (teacherLogits.Count == 0)
            throw new ArgumentException("soft_targets: at least one teacher's logits are needed.", nameof(teacherLogits));
        if (teacherLogits.Count == 1) return SoftTargets(teacherLogits[0], temperature);
        for (int k = 1; k < teacherLogits.Count; k++)
            if (teacherLogits[k].Shape != teacherLogits[0].Shape)
                throw new ArgumentException(
                    $"soft_targets: teacher {k} gave logits {teacherLogits[k].Shape}, teacher 0 gave {teacherLogits[0].Shape}; every teacher must score the same classes.",
                    nameof(teacherLogits));
        using var noGrad = GradMode.Disable();
        var logProbs = new Tensor[teacherLogits.Count];
        for (int k = 0; k < logProbs.Length; k++) logProbs[k] = SoftTargets(teacherLogits[k], temperature);
        return Tensor.Stack(logProbs).LogSumExp(0) - Math.Log(teacherLogits.Count);
    }

    /// <summary>
    /// The soft part of the Hinton loss, T²·KL_batchmean(p_t ‖ softmax(z_s/T)) = (T²/B)·Σ_b Σ_c p_t·(log p_t − log_softmax(z_s/T)),
    /// for soft targets given as log-probabilities (<see cref="SoftTargets(Tensor, double)"/>). The T² factor keeps the
    /// gradient's scale independent of T (Hinton et al. §2); batchmean divides by the batch size B only, never by the
    /// class count.
    /// </summary>
    public static Tensor SoftTargetLoss(Tensor studentLogits, Tensor softTargets, double temperature) =>
        SoftTargetKL(studentLogits, softTargets, temperature) * (temperature * temperature);

    // KL_batchmean(p_t ‖ softmax(z_s/T)) without the T² factor.
    private static Tensor SoftTargetKL(Tensor studentLogits, Tensor softTargets, double temperature)
    {
        ArgumentNullException.ThrowIfNull(studentLogits);
        ArgumentNullException.ThrowIfNull(softTargets);
        RequirePositiveTemperature(temperature);
        studentLogits.RequireFloat("soft_target_loss");
        if (studentLogits.Shape != softTargets.Shape)
            throw new ArgumentException(
                $"distillation: student logits {studentLogits.Shape} and teacher soft targets {softTargets.Shape} must have the same shape.");
        var logStudent = Tensor.LogSoftmax(studentLogits / temperature, ClassDim(studentLogits));
        var target = softTargets.Detach();
        if (target.DType != studentLogits.DType) target = target.To(studentLogits.DType);
        return KLDiv(logStudent, target, Reduction.BatchMean, logTarget: true);
    }

    /// <summary>
    /// Hinton et al. (2015) knowledge distillation: loss = α·CE(student, target) + (1 − α)·T²·KL, with
    /// KL = (1/N)·Σ p_t·(log p_t − log_softmax(student/T)), p_t = softmax(teacher/T). The teacher gets no gradient.
    /// Returns the loss and its two unscaled parts (KL without T²; see <see cref="HintonDistillationLoss.Compute(Tensor, Tensor, Tensor)"/> for
    /// the parts as the loss weighs them).
    /// </summary>
    public static (Tensor Loss, Tensor CrossEntropy, Tensor KL) DistillationLoss(Tensor studentLogits, Tensor teacherLogits, Tensor target,
        double temperature, double alpha)
    {
        ArgumentNullException.ThrowIfNull(studentLogits);
        ArgumentNullException.ThrowIfNull(teacherLogits);
        RequirePositiveTemperature(temperature);
        if (!(alpha >= 0 && alpha <= 1)) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "distillation: alpha must be in [0, 1].");
        if (studentLogits.Shape != teacherLogits.Shape)
            throw new ArgumentException($"distillation: student logits {studentLogits.Shape} and teacher logits {teacherLogits.Shape} must have the same shape.");
        var ce = CrossEntropy(studentLogits, target);
        var kl = SoftTargetKL(studentLogits, SoftTargets(teacherLogits.To(studentLogits.DType), temperature), temperature);
        var loss = ce * alpha + kl * ((1 - alpha) * temperature * temperature);
        return (loss, ce, kl);
    }

    private static int ClassDim(Tensor logits) => logits.Rank == 1 ? 0 : 1;

    private static void RequirePositiveTemperature(double temperature)
    {
        if (!(temperature > 0) || double.IsInfinity(temperature))
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "distillation: temperature must be positive and finite.");
    }
}

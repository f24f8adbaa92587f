using System.Globalization;
using Descent.Tensors;

namespace Descent.NN;

/// <summary>
/// Cross-entropy on logits (PyTorch's <c>nn.CrossEntropyLoss</c>): int64 class indices or class probabilities,
/// optional class <c>weight</c>, <c>ignoreIndex</c> and <c>labelSmoothing</c>. Class indices out of range throw,
/// naming the value and its position.
/// </summary>
public sealed class CrossEntropyLoss : Loss
{
    /// <summary>Creates the loss.</summary>
    public CrossEntropyLoss(Tensor? weight = null, long ignoreIndex = -100, Reduction reduction = Reduction.Mean, double labelSmoothing = 0)
        : base(reduction)
    {
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1))
            throw new ArgumentOutOfRangeException(nameof(labelSmoothing), labelSmoothing, "CrossEntropyLoss: label_smoothing must be in [0, 1].");
        Weight = weight;
        IgnoreIndex = ignoreIndex;
        LabelSmoothing = labelSmoothing;
    }

    /// <summary>Per-class weight [C] (null for none).</summary>
    public Tensor? Weight { get; }

    /// <summary>Class-index targets equal to this are ignored.</summary>
    public long IgnoreIndex { get; }

    /// <summary>Mass ε spread uniformly over the classes.</summary>
    public double LabelSmoothing { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor target) =>
        Functional.CrossEntropy(input, target, Weight, IgnoreIndex, Reduction, LabelSmoothing);

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"CrossEntropyLoss(reduction={Reduction.TorchName()}, ignore_index={IgnoreIndex}, label_smoothing={LabelSmoothing})");
}

/// <summary>
/// Hinton et al. (2015) distillation loss: α·CE(student, target) + (1 − α)·T²·KL(softmax(teacher/T) ‖ softmax(student/T)),
/// the KL averaged over the batch. The teacher's logits receive no gradient.
/// </summary>
public sealed class HintonDistillationLoss
{
    /// <summary>Creates the loss with temperature <paramref name="temperature"/> and hard-label weight <paramref name="alpha"/>.</summary>
    public HintonDistillationLoss(double temperature = 4.0, double alpha = 0.5)
    {
        if (!(temperature > 0)) throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "HintonDistillationLoss: temperature must be positive.");
        if (!(alpha >= 0 && alpha <= 1)) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "HintonDistillationLoss: alpha must be in [0, 1].");
        Temperature = temperature;
        Alpha = alpha;
    }

    /// <summary>Softening temperature T.</summary>
    public double Temperature { get; }

    /// <summary>Weight of the hard-label cross-entropy.</summary>
    public double Alpha { get; }

    /// <summary>The loss and its unscaled parts (cross-entropy with the labels, KL to the teacher).</summary>
    public (Tensor Loss, Tensor CrossEntropy, Tensor KL) Forward(Tensor studentLogits, Tensor teacherLogits, Tensor target) =>
        Functional.DistillationLoss(studentLogits, teacherLogits, target, Temperature, Alpha);

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"HintonDistillationLoss(T={Temperature}, alpha={Alpha})");
}

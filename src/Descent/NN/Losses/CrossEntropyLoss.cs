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

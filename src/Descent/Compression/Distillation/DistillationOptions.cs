using System.Globalization;

namespace Descent.Compression.Distillation;

/// <summary>
/// Settings of a <see cref="Distiller"/>: the Hinton loss (temperature T, hard-label weight α), FitNets hints and how
/// the teachers' logits are obtained. Defaults: T = 4, α = 0.1 (mostly soft targets, as in Hinton et al.'s MNIST
/// experiments where the hard term had a small weight).
/// </summary>
public sealed record DistillationOptions
{
    /// <summary>Softening temperature T &gt; 0 of student and teacher softmaxes.</summary>
    public double Temperature { get; init; } = 4;

    /// <summary>Weight α ∈ [0, 1] of the cross-entropy with the labels; the soft term gets 1 − α.</summary>
    public double Alpha { get; init; } = 0.1;

    /// <summary>Label smoothing ε of the hard-label cross-entropy (0: Hinton's plain CE).</summary>
    public double LabelSmoothing { get; init; }

    /// <summary>Student layer → teacher layer pairs guided with a FitNets hint loss (module paths, e.g. "0" or "features.3").</summary>
    public IReadOnlyList<HintPair> Hints { get; init; } = [];

    /// <summary>Weight β of the summed hint losses added to the Hinton loss.</summary>
    public double HintWeight { get; init; } = 1;

    /// <summary>Whether the teachers' logits are computed once before training or on every batch.</summary>
    public TeacherLogitsMode TeacherLogits { get; init; } = TeacherLogitsMode.Auto;

    /// <summary>
    /// Measure the student's agreement with the teachers on the validation set after each epoch
    /// (<c>val_agreement</c>; one more student pass over the validation data).
    /// </summary>
    public bool ValidationAgreement { get; init; } = true;

    /// <summary>Throws when a setting is out of range, naming it.</summary>
    public void Validate()
    {
        if (!(Temperature > 0) || double.IsInfinity(Temperature))
            throw new ArgumentOutOfRangeException(nameof(Temperature), Temperature, "distillation: temperature must be positive and finite.");
        if (!(Alpha >= 0 && Alpha <= 1))
            throw new ArgumentOutOfRangeException(nameof(Alpha), Alpha, "distillation: alpha must be in [0, 1].");
        if (!(LabelSmoothing >= 0 && LabelSmoothing <= 1))
            throw new ArgumentOutOfRangeException(nameof(LabelSmoothing), LabelSmoothing, "distillation: label smoothing must be in [0, 1].");
        if (!(HintWeight >= 0) || double.IsInfinity(HintWeight))
            throw new ArgumentOutOfRangeException(nameof(HintWeight), HintWeight, "distillation: hint weight must be non-negative and finite.");
        ArgumentNullException.ThrowIfNull(Hints, nameof(Hints));
        if (Hints.Count > 0 && TeacherLogits == TeacherLogitsMode.Precomputed)
            throw new ArgumentException(
                "distillation: hints need the teacher's intermediate features of every batch, so its logits cannot be precomputed; use TeacherLogitsMode.Auto or OnTheFly.",
                nameof(TeacherLogits));
    }
}

/// <summary>A FitNets hint: the student layer at <see cref="Student"/> is guided by the teacher layer at <see cref="Teacher"/> (module paths).</summary>
public sealed record HintPair(string Student, string Teacher)
{
    /// <summary>Parses "student.path:teacher.path" (the CLI's <c>--hint</c> form).</summary>
    public static HintPair Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split(':');
        if (parts.Length != 2 || parts[0].Trim().Length == 0 || parts[1].Trim().Length == 0)
            throw new FormatException($"hint '{text}' must be 'student.path:teacher.path' (module paths, e.g. '1:3' or 'features.2:features.5').");
        return new HintPair(parts[0].Trim(), parts[1].Trim());
    }

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Student}:{Teacher}");
}

/// <summary>How a <see cref="Distiller"/> gets the teachers' logits for a batch.</summary>
public enum TeacherLogitsMode
{
    /// <summary>Precomputed when the training loader's transform is deterministic and there are no hints, else on the fly.</summary>
    Auto,

    /// <summary>Once per training set before the first epoch, then looked up by sample index (no augmentation allowed).</summary>
    Precomputed,

    /// <summary>The teachers run on every batch the student sees (after augmentation), in eval mode without gradients.</summary>
    OnTheFly,
}

using Descent.Compression.Distillation;

namespace Descent.Experiments;

/// <summary>
/// Knowledge distillation of the experiment's model (<c>distillation:</c>): the teachers (experiment runs or their
/// checkpoints), the Hinton loss's temperature and α, FitNets hints, and whether to train the same-seed scratch
/// student the report compares with. See docs/distillation.md.
/// </summary>
public sealed record DistillationConfig
{
    /// <summary>Teacher run directories or checkpoint files (absolute paths; several teachers average their soft targets).</summary>
    public IReadOnlyList<string> Teachers { get; init; } = [];

    /// <summary>Softening temperature T.</summary>
    public double Temperature { get; init; } = 4;

    /// <summary>Weight α of the hard-label cross-entropy; the soft term gets 1 − α.</summary>
    public double Alpha { get; init; } = 0.1;

    /// <summary>Student layer → teacher layer hints (module paths).</summary>
    public IReadOnlyList<HintPair> Hints { get; init; } = [];

    /// <summary>Weight β of the summed hint losses.</summary>
    public double HintWeight { get; init; } = 1;

    /// <summary>"auto", "precomputed" or "on_the_fly".</summary>
    public string TeacherLogits { get; init; } = "auto";

    /// <summary>Also train the same-seed, same-epoch student from scratch for the comparison in the report.</summary>
    public bool Scratch { get; init; } = true;

    /// <summary>The Distiller settings this section describes.</summary>
    public DistillationOptions ToOptions() => new()
    {
        Temperature = Temperature,
        Alpha = Alpha,
        Hints = Hints,
        HintWeight = HintWeight,
        TeacherLogits = TeacherLogits switch
        {
            "precomputed" => TeacherLogitsMode.Precomputed,
            "on_the_fly" => TeacherLogitsMode.OnTheFly,
            _ => TeacherLogitsMode.Auto,
        },
    };
}

using Descent.Compression.Pruning.Schedules;
using Descent.Optim;

namespace Descent.Experiments;

/// <summary>
/// Pruning during training (<c>pruning:</c>): which weights, by what criterion, to what sparsity along which schedule
/// (Zhu and Gupta's polynomial decay or a constant target, tfmot's begin/end step, power and frequency), the layers
/// left alone, and the lottery-ticket rewind step. Its settings are declared hyperparameters, so a study can search
/// them (<c>pruning.target_sparsity: {float: [0.5, 0.9]}</c>) and the search space is checked against their ranges.
/// Unstructured pruning masks weights by global L1 magnitude across the layers. See docs/pruning.md.
/// </summary>
public sealed record PruningConfig : HyperparameterOptions
{
    private static readonly HyperparameterSet Declared = new(
        Hyperparameter.Choice<PruningConfig, string>("method", o => o.Method, (o, v) => o.Method = v,
            ("l1", "l1"), ("l2", "l2"), ("bn_scale", "bn_scale"), ("random", "random")),
        Hyperparameter.Flag<PruningConfig>("structured", o => o.Structured, (o, v) => o.Structured = v),
        Hyperparameter.Number<PruningConfig>("target_sparsity", o => o.TargetSparsity, (o, v) => o.TargetSparsity = v, ValueRange.HalfOpenUnit),
        Hyperparameter.Number<PruningConfig>("initial_sparsity", o => o.InitialSparsity, (o, v) => o.InitialSparsity = v, ValueRange.HalfOpenUnit),
        Hyperparameter.Choice<PruningConfig, string>("schedule", o => o.Schedule, (o, v) => o.Schedule = v,
            ("polynomial", "polynomial"), ("constant", "constant")),
        Hyperparameter.Integer<PruningConfig>("begin_step", o => o.BeginStep, (o, v) => o.BeginStep = v, ValueRange.NonNegativeInteger),
        Hyperparameter.Integer<PruningConfig>("end_step", o => o.EndStep, (o, v) => o.EndStep = v, ValueRange.Interval(-1, int.MaxValue)),
        Hyperparameter.Number<PruningConfig>("power", o => o.Power, (o, v) => o.Power = v, ValueRange.Positive),
        Hyperparameter.Integer<PruningConfig>("frequency", o => o.Frequency, (o, v) => o.Frequency = v, ValueRange.PositiveInteger),
        Hyperparameter.Integer<PruningConfig>("rewind", o => o.Rewind, (o, v) => o.Rewind = v, ValueRange.Interval(-1, int.MaxValue)));

    /// <inheritdoc/>
    protected internal override string OwnerName => "pruning";

    /// <inheritdoc/>
    public override HyperparameterSet Hyperparameters => Declared;

    /// <summary>Importance criterion: l1 (unstructured: global magnitude); l2, bn_scale, random rank channels (structured).</summary>
    public string Method { get; set; } = "l1";

    /// <summary>Remove channels (true) or mask weights (false).</summary>
    public bool Structured { get; set; }

    /// <summary>Final sparsity: the fraction of the prunable weights masked.</summary>
    public double TargetSparsity { get; set; } = 0.5;

    /// <summary>Sparsity at the begin step (polynomial schedule).</summary>
    public double InitialSparsity { get; set; }

    /// <summary>"polynomial" or "constant".</summary>
    public string Schedule { get; set; } = "polynomial";

    /// <summary>First step that prunes.</summary>
    public int BeginStep { get; set; }

    /// <summary>Last step of the ramp (polynomial; required) or of pruning (constant; −1: to the end).</summary>
    public int EndStep { get; set; } = -1;

    /// <summary>Exponent of the polynomial decay.</summary>
    public double Power { get; set; } = 3;

    /// <summary>Steps between pruning events.</summary>
    public int Frequency { get; set; } = 100;

    /// <summary>Module paths left alone (the output layer always is). Not a hyperparameter.</summary>
    public IReadOnlyList<string> Ignore { get; init; } = [];

    /// <summary>Rewind the surviving weights to their values before this step once the final sparsity is reached (−1: off).</summary>
    public int Rewind { get; set; } = -1;

    /// <summary>The sparsity schedule this section describes.</summary>
    public ISparsitySchedule CreateSchedule() => Schedule == "constant"
        ? new ConstantSparsity(TargetSparsity, BeginStep, EndStep, Frequency)
        : new PolynomialDecaySparsity(InitialSparsity, TargetSparsity, BeginStep, EndStep, Power, Frequency);
}

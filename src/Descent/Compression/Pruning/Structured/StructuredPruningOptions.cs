namespace Descent.Compression.Pruning.Structured;

/// <summary>
/// What <see cref="StructuredPruner"/> removes. Local pruning (the default) removes <see cref="Amount"/> of each
/// prunable group's channels (or the group's entry in <see cref="LayerAmounts"/>); global pruning ranks all groups'
/// channels together on normalized scores and removes <see cref="Amount"/> of all of them, at most
/// <see cref="MaxLayerAmount"/> of any one group.
/// </summary>
public sealed record StructuredPruningOptions
{
    /// <summary>How channels are scored (default L1 norm).</summary>
    public ImportanceCriterion Criterion { get; init; } = ImportanceCriterion.L1;

    /// <summary>How a channel's scores from several coupled layers combine (default mean).</summary>
    public ImportanceReduction Reduction { get; init; } = ImportanceReduction.Mean;

    /// <summary>Fraction of channels to remove, in [0, 1) (default 0.5).</summary>
    public double Amount { get; init; } = 0.5;

    /// <summary>Per-layer fractions for local pruning, by the path of a layer that computes the group's channels; they replace <see cref="Amount"/> there.</summary>
    public IReadOnlyDictionary<string, double> LayerAmounts { get; init; } = new Dictionary<string, double>();

    /// <summary>Rank all groups together (global pruning) instead of pruning each by the same fraction.</summary>
    public bool Global { get; init; }

    /// <summary>Global pruning: the largest fraction of one group's channels that may go (default 1: any, but never all).</summary>
    public double MaxLayerAmount { get; init; } = 1.0;

    /// <summary>Kept channel counts are rounded up to a multiple of this (e.g. 8 for SIMD widths; default 1).</summary>
    public int RoundTo { get; init; } = 1;

    /// <summary>Layers (dotted paths) whose output channels are kept. The model's output layer always is.</summary>
    public IReadOnlyList<string> IgnoredLayers { get; init; } = [];

    /// <summary>Seed of <see cref="ImportanceCriterion.Random"/> scores.</summary>
    public long Seed { get; init; }

    /// <summary>Checks the values, naming the first one out of range.</summary>
    public void Validate()
    {
        if (Amount is < 0 or >= 1 || double.IsNaN(Amount))
            throw new ArgumentOutOfRangeException(nameof(Amount), Amount, "structured pruning: amount must be in [0, 1) (a fraction of the channels).");
        foreach (var (layer, amount) in LayerAmounts)
            if (amount is < 0 or >= 1 || double.IsNaN(amount))
                throw new ArgumentOutOfRangeException(nameof(LayerAmounts), amount, $"structured pruning: the amount for layer '{layer}' must be in [0, 1).");
        if (MaxLayerAmount is < 0 or > 1 || double.IsNaN(MaxLayerAmount))
            throw new ArgumentOutOfRangeException(nameof(MaxLayerAmount), MaxLayerAmount, "structured pruning: the per-layer maximum must be in [0, 1].");
        if (RoundTo < 1) throw new ArgumentOutOfRangeException(nameof(RoundTo), RoundTo, "structured pruning: round_to must be at least 1.");
        if (Global && LayerAmounts.Count > 0)
            throw new ArgumentException("structured pruning: per-layer amounts apply to local pruning; global pruning takes one amount and a per-layer maximum.");
    }
}

using Descent.NN;
using Descent.Tensors;

namespace Descent.Compression.Pruning.Structured;

/// <summary>What one structured pruning step did.</summary>
/// <param name="Groups">Each prunable group with the channels it kept (ascending).</param>
/// <param name="Layers">The layers replaced by smaller ones.</param>
/// <param name="Before">Parameters and MACs before.</param>
/// <param name="After">Parameters and MACs after.</param>
public sealed record StructuredPruningResult(IReadOnlyList<(PruningGroup Group, int[] Kept)> Groups, IReadOnlyList<LayerChange> Layers, ModelCost Before, ModelCost After)
{
    /// <summary>Channels removed over all groups.</summary>
    public int RemovedChannels => Groups.Sum(g => g.Group.Channels - g.Kept.Length);

    /// <summary>
    /// Every layer's output channels before this step, by path (<see cref="Module.OutputChannels"/>): pass them to
    /// <see cref="Module.Summary(int[], IReadOnlyDictionary{string, int})"/> to show what each layer kept.
    /// </summary>
    public IReadOnlyDictionary<string, int> OriginalChannels { get; init; } = new Dictionary<string, int>();
}

/// <summary>
/// Structured pruning end to end: trace the channel dependencies (<see cref="DependencyGraph"/>), score each prunable
/// group (<see cref="ChannelImportance"/>), choose the channels to keep locally or globally, and remove the others
/// physically (<see cref="ChannelRemoval"/>). The pruned model is an ordinary, smaller model: train, evaluate and save it
/// as any other (build its optimizer again).
/// </summary>
public sealed class StructuredPruner
{
    /// <summary>Creates the pruner; the options are checked here.</summary>
    public StructuredPruner(StructuredPruningOptions? options = null)
    {
        Options = options ?? new StructuredPruningOptions();
        Options.Validate();
    }

    /// <summary>What is removed.</summary>
    public StructuredPruningOptions Options { get; }

    /// <summary>
    /// Prunes <paramref name="model"/> in place for inputs of one sample's shape <paramref name="sampleShape"/>. Taylor
    /// importance needs <paramref name="calibrationLosses"/>: losses of the model on a few batches, computed lazily as
    /// they are enumerated (e.g. <c>batches.Select(b =&gt; loss.Forward(model.Call(b.Input), b.Target))</c>).
    /// </summary>
    public StructuredPruningResult Prune(Module model, int[] sampleShape, IEnumerable<Tensor>? calibrationLosses = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(sampleShape);
        var before = ModelComplexity.Measure(model, sampleShape);
        var graph = DependencyGraph.Build(model, sampleShape, Options.IgnoredLayers);
        foreach (var layer in Options.LayerAmounts.Keys) graph.GroupOf(layer);   // a bad path names the layers there are
        if (Options.Criterion == ImportanceCriterion.Taylor)
        {
            ChannelImportance.AccumulateGradients(model, calibrationLosses
                ?? throw new ArgumentException("taylor importance needs calibration batches (their losses).", nameof(calibrationLosses)));
        }
        var groups = graph.PrunableGroups.ToList();
        var generator = new Generator(Options.Seed);
        var scores = groups.Select(g => (IReadOnlyList<double>)ChannelImportance.Compute(g, Options.Criterion, Options.Reduction, generator)).ToList();
        if (Options.Criterion == ImportanceCriterion.Taylor) model.ZeroGrad();
        var kept = Options.Global
            ? GlobalChannelSelection.Keep(scores, Options.Amount, Options.MaxLayerAmount, Options.RoundTo)
            : groups.Select((g, i) => ChannelSelection.Keep(scores[i], PruneAmount.Fraction(AmountFor(g)), Options.RoundTo, g.ToString())).ToArray();
        var plan = new Dictionary<PruningGroup, int[]>();
        for (int i = 0; i < groups.Count; i++) plan[groups[i]] = kept[i];
        var original = model.OutputChannels([1, .. sampleShape]);
        var layers = ChannelRemoval.Apply(model, plan);
        var after = ModelComplexity.Measure(model, sampleShape);
        return new StructuredPruningResult([.. groups.Select((g, i) => (g, kept[i]))], layers, before, after) { OriginalChannels = original };
    }

    private double AmountFor(PruningGroup group)
    {
        double? amount = null;
        foreach (var producer in group.Producers)
        {
            if (!Options.LayerAmounts.TryGetValue(producer.Path, out var a)) continue;
            if (amount is { } other && other != a)
                throw new ArgumentException($"structured pruning: layers of {group} are coupled but given different amounts ({other} and {a} for '{producer.Path}').");
            amount = a;
        }
        return amount ?? Options.Amount;
    }
}

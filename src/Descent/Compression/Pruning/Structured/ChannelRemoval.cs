using Descent.NN;

namespace Descent.Compression.Pruning.Structured;

/// <summary>One layer changed by structured pruning: its shape before and after (channels or features, out × in).</summary>
/// <param name="Path">The layer's dotted path.</param>
/// <param name="Type">Its type name.</param>
/// <param name="OutputsBefore">Output rows / channels / features before.</param>
/// <param name="OutputsAfter">After.</param>
/// <param name="InputsBefore">Input columns / channels before (equal to the outputs for per-channel layers).</param>
/// <param name="InputsAfter">After.</param>
public sealed record LayerChange(string Path, string Type, int OutputsBefore, int OutputsAfter, int InputsBefore, int InputsAfter);

/// <summary>
/// Physical removal: replaces every member of the pruned groups with a smaller copy holding only the kept channels
/// (<c>Keep</c> on Linear, Conv2d, BatchNorm, PReLU, then <see cref="Module.ReplaceSubmodule"/>), so the result is an
/// ordinary model with smaller dense layers. A layer in two groups (a Linear reads one and computes the other) is
/// replaced once with both selections. The model's parameters change: build optimizers again afterwards.
/// </summary>
public static class ChannelRemoval
{
    /// <summary>
    /// Keeps <paramref name="plan"/>'s channels (ascending indices per group; groups of one trace of
    /// <paramref name="model"/>) and removes the rest from every coupled layer. Returns the layers changed, in model order.
    /// </summary>
    public static IReadOnlyList<LayerChange> Apply(Module model, IReadOnlyDictionary<PruningGroup, int[]> plan)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(plan);
        var outputs = new Dictionary<string, int[]>(StringComparer.Ordinal);
        var inputs = new Dictionary<string, int[]>(StringComparer.Ordinal);
        var modules = new Dictionary<string, Module>(StringComparer.Ordinal);
        foreach (var (group, kept) in plan)
        {
            if (!group.CanPrune && kept.Length != group.Channels)
                throw new ArgumentException($"{group} cannot lose channels: {string.Join("; ", group.FixedBecause)}.", nameof(plan));
            if (kept.Length == group.Channels) continue;
            if (kept.Length == 0) throw new ArgumentException($"{group}: keeping no channel would empty its layers.", nameof(plan));
            foreach (var member in group.Members)
            {
                if (!ReferenceEquals(model.GetSubmodule(member.Path), member.Module))
                    throw new ArgumentException($"{group}: layer '{member.Path}' is no longer the traced {member.Module.TypeName}; trace the model again after changing it.", nameof(plan));
                modules[member.Path] = member.Module;
                var indices = member.IndicesOf(kept);
                if (member.Role != GroupRole.Consumer) Set(outputs, member, indices);
                if (member.Role == GroupRole.Consumer || (member.Role == GroupRole.Follower && member.Module is Conv2d)) Set(inputs, member, indices);   // depthwise: both sides
            }
        }
        var changes = new List<LayerChange>();
        foreach (var (path, module) in model.NamedModules().ToList())
        {
            if (!modules.ContainsKey(path)) continue;
            outputs.TryGetValue(path, out var outs);
            inputs.TryGetValue(path, out var ins);
            var (replacement, change) = Shrink(path, module, outs, ins);
            if (path.Length == 0) throw new ArgumentException("the model itself is a single layer; wrap it in a Sequential to prune it.", nameof(model));
            model.ReplaceSubmodule(path, replacement);
            changes.Add(change);
        }
        return changes;
    }

    private static void Set(Dictionary<string, int[]> selections, GroupMember member, int[] indices)
    {
        if (selections.ContainsKey(member.Path))
            throw new DescentInternalException($"structured pruning: layer '{member.Path}' is in two groups on the same side.");
        selections[member.Path] = indices;
    }

    private static (Module, LayerChange) Shrink(string path, Module module, int[]? outs, int[]? ins) => module switch
    {
        Linear l => (l.Keep(outs, ins), new LayerChange(path, l.TypeName, l.OutFeatures, outs?.Length ?? l.OutFeatures, l.InFeatures, ins?.Length ?? l.InFeatures)),
        Conv2d c => (c.Keep(outs, ins), new LayerChange(path, c.TypeName, c.OutChannels, outs?.Length ?? c.OutChannels, c.InChannels, ins?.Length ?? c.InChannels)),
        BatchNorm1d bn => (bn.Keep(outs!), PerChannel(path, bn, bn.NumFeatures, outs!)),
        BatchNorm2d bn => (bn.Keep(outs!), PerChannel(path, bn, bn.NumFeatures, outs!)),
        PReLU p => (p.Keep(outs!), PerChannel(path, p, p.Weight.Numel, outs!)),
        _ => throw new DescentInternalException($"structured pruning: the trace made {module.TypeName} '{path}' a member, but it cannot be shrunk."),
    };

    private static LayerChange PerChannel(string path, Module module, int before, int[] kept) =>
        new(path, module.TypeName, before, kept.Length, before, kept.Length);
}

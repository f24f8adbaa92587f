using System.Globalization;
using Descent.NN;

namespace Descent.Compression.Pruning.Structured;

/// <summary>How a layer takes part in a <see cref="PruningGroup"/>.</summary>
public enum GroupRole
{
    /// <summary>Computes the channels: its output rows (Linear) or output channels (Conv2d) are removed.</summary>
    Producer,

    /// <summary>Holds one value per channel and is sliced with them (BatchNorm's γ, β and running statistics, PReLU's slopes, a depthwise convolution).</summary>
    Follower,

    /// <summary>Reads the channels: its input columns (Linear) or input channels (Conv2d) are removed.</summary>
    Consumer,
}

/// <summary>
/// One layer of a <see cref="PruningGroup"/>: channel j of the group is, in this layer's dimension, the indices
/// <c>Offset + j·Block … Offset + j·Block + Block − 1</c>. Block is 1 except after a Flatten, where channel j of a
/// C×H×W map is the block of H·W features <c>[j·H·W, (j+1)·H·W)</c>; Offset is the channel's place in a concatenation.
/// </summary>
/// <param name="Path">The layer's dotted module path.</param>
/// <param name="Module">The layer.</param>
/// <param name="Role">What the group's channels are to it.</param>
/// <param name="Offset">First index of the group's channels in the layer's dimension.</param>
/// <param name="Block">Consecutive indices per channel.</param>
public sealed record GroupMember(string Path, Module Module, GroupRole Role, int Offset = 0, int Block = 1)
{
    /// <summary>The layer's indices (ascending when <paramref name="channels"/> is) for the group's <paramref name="channels"/>.</summary>
    public int[] IndicesOf(IReadOnlyList<int> channels)
    {
        ArgumentNullException.ThrowIfNull(channels);
        var indices = new int[channels.Count * Block];
        int i = 0;
        foreach (var c in channels)
            for (int b = 0; b < Block; b++) indices[i++] = Offset + c * Block + b;
        return indices;
    }

    /// <summary>A phrase such as "input columns of Linear '4' (49 per channel, after a Flatten)".</summary>
    public string Describe()
    {
        var what = (Role, Module) switch
        {
            (GroupRole.Producer, Linear) => "output rows",
            (GroupRole.Producer, _) => "output channels",
            (GroupRole.Consumer, Linear) => "input columns",
            (GroupRole.Consumer, _) => "input channels",
            (_, BatchNorm) => "features (γ, β, running statistics)",
            (_, Conv2d) => "channels (depthwise: inputs and outputs)",
            _ => "per-channel values",
        };
        var layer = $"{what} of {Module.TypeName} '{Path}'";
        if (Block > 1) layer += string.Create(CultureInfo.InvariantCulture, $" ({Block} per channel, after a Flatten)");
        if (Offset > 0) layer += string.Create(CultureInfo.InvariantCulture, $" (from index {Offset})");
        return layer;
    }
}

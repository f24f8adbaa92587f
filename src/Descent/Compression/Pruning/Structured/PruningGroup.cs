using System.Globalization;
using System.Text;

namespace Descent.Compression.Pruning.Structured;

/// <summary>
/// Channels that must be removed together (Torch-Pruning's dependency group; Fang et al. 2023, "DepGraph"): the
/// output channels of one or more producers (several when their outputs are added in a residual sum), the layers that
/// hold a value per channel, and every layer that reads them. Removing channel j removes it from every member.
/// </summary>
public sealed class PruningGroup
{
    internal PruningGroup(int id, int channels, IReadOnlyList<GroupMember> members, IReadOnlyList<string> fixedBecause)
    {
        Id = id;
        Channels = channels;
        Members = members;
        FixedBecause = fixedBecause;
    }

    /// <summary>Position of the group in <see cref="DependencyGraph.Groups"/>.</summary>
    public int Id { get; }

    /// <summary>Number of channels C.</summary>
    public int Channels { get; }

    /// <summary>The coupled layers, in forward order.</summary>
    public IReadOnlyList<GroupMember> Members { get; }

    /// <summary>Why the channels cannot be removed (the model's input or output, an ignored layer, a layer that is not traced); empty when they can.</summary>
    public IReadOnlyList<string> FixedBecause { get; }

    /// <summary>True when channels can be removed (nothing fixes the group and some layer produces it).</summary>
    public bool CanPrune => FixedBecause.Count == 0;

    /// <summary>The producers, in forward order.</summary>
    public IEnumerable<GroupMember> Producers => Members.Where(m => m.Role == GroupRole.Producer);

    /// <summary>The group's name: its first producer's path (or "#id" when nothing produces it).</summary>
    public string Name => Producers.FirstOrDefault()?.Path ?? string.Create(CultureInfo.InvariantCulture, $"#{Id}");

    /// <summary>The coupled layers in words, one per line, and whether the group can be pruned.</summary>
    public string Describe() => Describe(null);

    /// <summary>
    /// The coupled layers in words with the indices each loses when <paramref name="removed"/> channels are removed
    /// (null: just the layers).
    /// </summary>
    public string Describe(IReadOnlyList<int>? removed)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"group {Name}: {Channels} channels");
        if (!CanPrune) sb.Append(" (fixed: ").Append(string.Join("; ", FixedBecause)).Append(')');
        if (removed is not null) sb.Append(CultureInfo.InvariantCulture, $", removing {removed.Count}: [{string.Join(", ", removed)}]");
        foreach (var m in Members)
        {
            sb.AppendLine().Append("  ").Append(m.Describe());
            if (removed is not null) sb.Append(" → indices ").Append(Ranges(m.IndicesOf(removed)));
        }
        return sb.ToString();
    }

    /// <inheritdoc/>
    public override string ToString() => $"group {Name} ({Channels} channels, {Members.Count} layers{(CanPrune ? "" : ", fixed")})";

    // "3, 5..8, 12": runs of consecutive indices shortened.
    private static string Ranges(int[] indices)
    {
        var parts = new List<string>();
        for (int i = 0; i < indices.Length;)
        {
            int j = i;
            while (j + 1 < indices.Length && indices[j + 1] == indices[j] + 1) j++;
            parts.Add(j == i ? indices[i].ToString(CultureInfo.InvariantCulture) : string.Create(CultureInfo.InvariantCulture, $"{indices[i]}..{indices[j]}"));
            i = j + 1;
        }
        return "[" + string.Join(", ", parts) + "]";
    }
}

namespace Descent.Search.Architecture;

/// <summary>
/// A candidate network: its blocks in order, then the classifier head (a linear layer to the experiment's outputs). Image
/// blocks must come before fully connected ones; a flatten is placed before the first fully connected layer.
/// </summary>
public sealed record ArchitectureCandidate(IReadOnlyList<ArchitectureBlock> Blocks)
{
    /// <summary>The experiment's <c>model.layers</c> list as YAML flow text (what <c>--set model.layers=…</c> takes).</summary>
    public string LayersYaml()
    {
        var entries = new List<string>();
        bool flat = false;
        foreach (var block in Blocks)
        {
            if (!block.IsConvolutional && !flat)
            {
                entries.Add("flatten");
                flat = true;
            }
            entries.AddRange(block.Layers());
        }
        if (!flat) entries.Add("flatten");
        entries.Add("linear");
        return "[" + string.Join(", ", entries) + "]";
    }

    /// <summary>The layer diagram: one line per block, then the head.</summary>
    public IReadOnlyList<string> Diagram() => [.. Blocks.Select(b => b.Describe()), "linear → outputs"];

    /// <summary>A canonical text of the architecture: equal for candidates that build the same network.</summary>
    public string Key => string.Join(" | ", Diagram());
}

using System.Text;
using Descent.NN;
using Descent.Tensors;

namespace Descent.Compression.Pruning.Structured;

/// <summary>
/// The channel dependencies of a model: which layers' channels must be removed together (<see cref="PruningGroup"/>).
/// Built by running one forward pass on an example input (for the shapes: how many features a channel becomes after a
/// Flatten) and walking the module structure in forward order: Sequential, <see cref="Residual"/> and
/// <see cref="ResidualBlock"/> containers, Linear, Conv2d (groups 1 or depthwise), BatchNorm, PReLU, activations,
/// dropout, pooling and Flatten, which is everything the presets and YAML layer lists build. The model's input and
/// output channels are fixed; so are the channels around any module the walk does not know.
/// </summary>
public sealed class DependencyGraph
{
    private DependencyGraph(Module model, int[] sampleShape, IReadOnlyList<PruningGroup> groups)
    {
        Model = model;
        SampleShape = sampleShape;
        Groups = groups;
    }

    /// <summary>The traced model.</summary>
    public Module Model { get; }

    /// <summary>The shape of one input sample (without the batch dimension).</summary>
    public IReadOnlyList<int> SampleShape { get; }

    /// <summary>Every group, in the order the forward pass meets them.</summary>
    public IReadOnlyList<PruningGroup> Groups { get; }

    /// <summary>The groups whose channels can be removed.</summary>
    public IEnumerable<PruningGroup> PrunableGroups => Groups.Where(g => g.CanPrune);

    /// <summary>
    /// Traces <paramref name="model"/> for inputs of one sample's shape <paramref name="sampleShape"/> (e.g. 1, 28, 28).
    /// The layers at <paramref name="ignoredLayers"/> (dotted paths) keep their output channels.
    /// </summary>
    public static DependencyGraph Build(Module model, int[] sampleShape, IEnumerable<string>? ignoredLayers = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(sampleShape);
        var outputs = OutputShapes(model, sampleShape);
        var spaces = new ChannelSpaces();
        var inputShape = new Shape([1, .. sampleShape]);
        int input = spaces.New(inputShape.Rank >= 2 ? inputShape[1] : 1);
        spaces.Fix(input, "they are the model's input");
        var tracer = new DependencyTracer(spaces, outputs);
        var output = tracer.Walk("", model, new DependencyTracer.Flow(input, 1, inputShape));
        spaces.Fix(output.Space, "they are the model's output");
        var groups = spaces.Groups();
        foreach (var path in ignoredLayers ?? [])
        {
            model.GetSubmodule(path);   // a bad path names what is there
            bool found = false;
            for (int i = 0; i < groups.Count; i++)
            {
                if (!groups[i].Producers.Any(p => p.Path == path)) continue;
                found = true;
                groups = [.. groups.Select((g, j) => j == i ? new PruningGroup(g.Id, g.Channels, g.Members, [.. g.FixedBecause, $"layer '{path}' is ignored"]) : g)];
            }
            if (!found)
                throw new ArgumentException($"ignored layer '{path}' computes no channels the trace found (ignore a Linear or Conv2d).", nameof(ignoredLayers));
        }
        return new DependencyGraph(model, [.. sampleShape], groups);
    }

    /// <summary>The group whose producers include the layer at <paramref name="path"/> (the channels that layer computes).</summary>
    public PruningGroup GroupOf(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Groups.FirstOrDefault(g => g.Producers.Any(p => p.Path == path))
            ?? throw new ArgumentException($"No pruning group is produced by layer '{path}'; producers: {string.Join(", ", Groups.SelectMany(g => g.Producers).Select(p => p.Path))}.", nameof(path));
    }

    /// <summary>Every group in words (see <see cref="PruningGroup.Describe()"/>).</summary>
    public string Describe()
    {
        var sb = new StringBuilder();
        foreach (var g in Groups) sb.AppendLine(g.Describe());
        return sb.ToString();
    }

    private static Dictionary<Module, Shape> OutputShapes(Module model, int[] sampleShape)
    {
        var shapes = new Dictionary<Module, Shape>(ReferenceEqualityComparer.Instance);
        ForwardObservation.Run(model, new Shape([1, .. sampleShape]), (m, y) => shapes[m] = y.Shape);
        return shapes;
    }
}

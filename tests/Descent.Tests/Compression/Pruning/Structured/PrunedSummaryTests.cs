using Descent.Compression.Pruning.Structured;
using Descent.Experiments;
using Descent.Tensors;

namespace Descent.Tests.Compression.Pruning.Structured;

/// <summary>The model summary of a pruned model shows, per layer, the channels kept and removed against the shapes recorded at pruning time.</summary>
public class PrunedSummaryTests
{
    [Fact]
    public void AStructuredPrunedMlpShowsKeptAndRemovedUnitsPerLayer()
    {
        var model = ModelPresets.Create("mlp", generator: new Generator(3));
        var result = new StructuredPruner(new StructuredPruningOptions { Amount = 0.25 }).Prune(model, [1, 28, 28]);
        var before = result.OriginalChannels;
        var lines = model.Summary([1, 1, 28, 28], before).Split('\n');
        Assert.Contains("Channels kept / removed", lines.Single(l => l.StartsWith("Layer (type)", StringComparison.Ordinal)));
        foreach (var change in result.Layers.Where(c => c.OutputsAfter != c.OutputsBefore))
        {
            var line = lines.Single(l => l.StartsWith($"{change.Path} (", StringComparison.Ordinal));
            Assert.EndsWith($"kept {change.OutputsAfter} / removed {change.OutputsBefore - change.OutputsAfter} of {change.OutputsBefore}", line.TrimEnd());
            Assert.Equal(change.OutputsBefore, before[change.Path]);
        }
        // The output layer keeps its classes.
        var last = result.Layers.Single(c => c.OutputsAfter == c.OutputsBefore);
        Assert.EndsWith($"all {last.OutputsAfter}", lines.Single(l => l.StartsWith($"{last.Path} (", StringComparison.Ordinal)).TrimEnd());
        Assert.Contains(result.Layers, c => c.OutputsAfter < c.OutputsBefore);
    }

    [Fact]
    public void ConvolutionChannelsAreCountedOnDimensionOne()
    {
        var model = ModelPresets.Create("cnn-small", generator: new Generator(4));
        var original = model.OutputChannels(1, 1, 28, 28);
        var result = new StructuredPruner(new StructuredPruningOptions { Amount = 0.5 }).Prune(model, [1, 28, 28]);
        Assert.Equal(original, result.OriginalChannels);
        var summary = model.Summary([1, 1, 28, 28], original);
        var conv = result.Layers.First(c => c.Type == "Conv2d");
        Assert.Contains($"kept {conv.OutputsAfter} / removed {conv.OutputsBefore - conv.OutputsAfter} of {conv.OutputsBefore}", summary);
    }
}

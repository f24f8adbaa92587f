using Descent.Compression.Pruning.Structured;
using Descent.Experiments;
using Descent.NN;
using Descent.Tensors;

namespace Descent.Tests.Compression.Pruning.Structured;

/// <summary>The dependency trace on the presets and on layers it must not see through, and the groups in words.</summary>
public class DependencyGraphTests
{
    private static string Paths(PruningGroup g, GroupRole role) => string.Join(" ", g.Members.Where(m => m.Role == role).Select(m => m.Path));

    [Fact]
    public void MlpGroupsAreTheHiddenLayersAndTheOutputIsFixed()
    {
        var model = ModelPresets.Create("mlp");
        var graph = DependencyGraph.Build(model, [1, 28, 28]);
        var prunable = graph.PrunableGroups.ToList();
        Assert.Equal(["1", "3"], prunable.Select(g => g.Name));
        Assert.Equal(256, prunable[0].Channels);
        Assert.Equal("3", Paths(prunable[0], GroupRole.Consumer));
        var output = graph.GroupOf("5");
        Assert.False(output.CanPrune);
        Assert.Contains("they are the model's output", output.FixedBecause);
        Assert.Contains(graph.Groups, g => g.FixedBecause.Contains("they are the model's input"));
    }

    [Fact]
    public void BatchNormFollowsAndFlattenTurnsChannelsIntoBlocks()
    {
        var model = ModelPresets.Create("cnn-small");
        var graph = DependencyGraph.Build(model, [1, 28, 28]);
        var g = graph.GroupOf("3");
        Assert.Equal("4", Paths(g, GroupRole.Follower));
        Assert.Equal("7", Paths(g, GroupRole.Consumer));
        var last = graph.GroupOf("10");
        var linear = Assert.Single(last.Members, m => m.Role == GroupRole.Consumer);
        Assert.Equal("15", linear.Path);
        Assert.Equal(7 * 7, linear.Block);
        Assert.Equal([2 * 49, 2 * 49 + 1], linear.IndicesOf([2]).Take(2));
        var text = last.Describe([0, 2]);
        Assert.Contains("input columns of Linear '15' (49 per channel, after a Flatten) → indices [0..48, 98..146]", text);
        Assert.Contains("features (γ, β, running statistics) of BatchNorm2d '11'", text);
    }

    [Fact]
    public void ResidualSumsCoupleEveryLayerAddedIntoThem()
    {
        var model = ModelPresets.Create("resnet-small");
        var graph = DependencyGraph.Build(model, [1, 16, 16]);
        // The stem's 16 channels: the stem conv and the first block's second conv are added (identity shortcut), and
        // the second block reads them in its body and in its projection shortcut.
        var stem = graph.GroupOf("0");
        Assert.Equal("0 3.body.3", Paths(stem, GroupRole.Producer));
        Assert.Equal("1 3.body.4", Paths(stem, GroupRole.Follower));
        Assert.Equal("3.body.0 4.body.0 4.shortcut.0", Paths(stem, GroupRole.Consumer));
        Assert.Same(stem, graph.GroupOf("3.body.3"));
        var second = graph.GroupOf("4.body.3");
        Assert.Equal("4.body.3 4.shortcut.0", Paths(second, GroupRole.Producer));
        Assert.True(graph.GroupOf("4.body.0").CanPrune);
        Assert.Equal(6, graph.PrunableGroups.Count());   // the stem, three block-internal groups, two more block outputs; the classifier's outputs are fixed
    }

    [Fact]
    public void AResidualBlockCouplesConv1WithBn1AndConv2()
    {
        var model = new Sequential(new ResidualBlock(3, 6, dtype: DType.Float64), new Flatten(), new Linear(3 * 4 * 4, 2, dtype: DType.Float64));
        var graph = DependencyGraph.Build(model, [3, 4, 4]);
        var g = graph.GroupOf("0.conv1");
        Assert.Equal(["0.conv1", "0.bn1", "0.conv2"], g.Members.Select(m => m.Path));
        Assert.False(graph.GroupOf("0.conv2").CanPrune);   // added to the model's input
    }

    [Fact]
    public void LayerNormAndUntracedModulesFixTheirChannels()
    {
        var model = new Sequential(new Linear(4, 6), new LayerNorm(6), new Linear(6, 5), new Softmax(1), new Linear(5, 3), new ReLU(), new Linear(3, 2));
        var graph = DependencyGraph.Build(model, [4]);
        Assert.Contains("LayerNorm '1' normalizes over them", string.Join(" ", graph.GroupOf("0").FixedBecause));
        Assert.Contains("Softmax '3' is not traced", string.Join(" ", graph.GroupOf("2").FixedBecause));
        Assert.True(graph.GroupOf("4").CanPrune);
    }

    [Fact]
    public void IgnoredLayersKeepTheirChannelsAndABadPathIsNamed()
    {
        var model = ModelPresets.Create("mlp");
        var graph = DependencyGraph.Build(model, [1, 28, 28], ["3"]);
        Assert.Contains("layer '3' is ignored", graph.GroupOf("3").FixedBecause);
        Assert.True(graph.GroupOf("1").CanPrune);
        var bad = Assert.Throws<ArgumentException>(() => DependencyGraph.Build(model, [1, 28, 28], ["2"]));
        Assert.Contains("'2'", bad.Message);
    }

    [Fact]
    public void DescribeListsEveryGroup()
    {
        var text = DependencyGraph.Build(ModelPresets.Create("mlp-bn"), [1, 28, 28]).Describe();
        Assert.Contains("group 1: 256 channels", text);
        Assert.Contains("output rows of Linear '1'", text);
        Assert.Contains("features (γ, β, running statistics) of BatchNorm1d '2'", text);
        Assert.Contains("input columns of Linear '4'", text);
        Assert.Contains("(fixed: they are the model's output)", text);
    }
}

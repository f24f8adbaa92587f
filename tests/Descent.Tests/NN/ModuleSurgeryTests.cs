using Descent.NN;
using Descent.Tensors;
using Descent.Tensors.Autograd;

namespace Descent.Tests.NN;

/// <summary>GetSubmodule / ReplaceSubmodule / NamedModules: dotted paths, in-place replacement, clear errors.</summary>
public class ModuleSurgeryTests
{
    private static Sequential Model() => new(
        new Conv2d(1, 4, 3, padding: 1, generator: new Generator(1)),
        new Sequential(new ResidualBlock(4, 2, generator: new Generator(2)), new ReLU()),
        new Flatten(),
        new Linear(4 * 16, 3, generator: new Generator(3)));

    [Fact]
    public void NamedModulesListsEveryDottedPathDepthFirst()
    {
        Assert.Equal(["", "0", "1", "1.0", "1.0.conv1", "1.0.bn1", "1.0.conv2", "1.0.bn2", "1.1", "2", "3"],
            Model().NamedModules().Select(m => m.Name));
    }

    [Fact]
    public void GetSubmoduleFollowsDottedPaths()
    {
        var model = Model();
        Assert.Same(model, model.GetSubmodule(""));
        Assert.Same(model[3], model.GetSubmodule("3"));
        var block = (ResidualBlock)model.GetSubmodule("1.0");
        Assert.Same(block.Conv2, model.GetSubmodule("1.0.conv2"));
        foreach (var (name, module) in model.NamedModules()) Assert.Same(module, model.GetSubmodule(name));
    }

    [Fact]
    public void ABadPathNamesTheMissingSegmentAndTheChildrenThere()
    {
        var model = Model();
        var e = Assert.Throws<ArgumentException>(() => model.GetSubmodule("1.0.conv3.weight"));
        Assert.Contains("'1.0.conv3.weight'", e.Message);
        Assert.Contains("ResidualBlock at '1.0' has no child 'conv3'", e.Message);
        Assert.Contains("its children: conv1, bn1, conv2, bn2", e.Message);
        e = Assert.Throws<ArgumentException>(() => model.GetSubmodule("3.bias"));
        Assert.Contains("Linear at '3' has no child 'bias' (it has no children)", e.Message);
        e = Assert.Throws<ArgumentException>(() => model.GetSubmodule("7"));
        Assert.Contains("Sequential at the root has no child '7' (its children: 0, 1, 2, 3)", e.Message);
        e = Assert.Throws<ArgumentException>(() => model.ReplaceSubmodule("1.5", new ReLU()));
        Assert.Contains("Sequential at '1' has no child '5' (its children: 0, 1)", e.Message);
        Assert.Throws<ArgumentException>(() => model.ReplaceSubmodule("", new ReLU()));
    }

    [Fact]
    public void ReplaceSubmoduleKeepsNameAndPositionAndTheForwardUsesTheNewModule()
    {
        var model = Model();
        var x = Tensor.Randn(new Shape(2, 1, 4, 4), generator: new Generator(4));
        var conv2 = (Conv2d)model.GetSubmodule("1.0.conv2");
        var zero = conv2.Keep();
        using (GradMode.Disable()) zero.Weight.ZeroInPlace();
        var old = model.ReplaceSubmodule("1.0.conv2", zero);
        Assert.Same(conv2, old);
        Assert.Same(zero, ((ResidualBlock)model.GetSubmodule("1.0")).Conv2);
        Assert.Equal(Model().StateDict().Keys, model.StateDict().Keys);
        // conv2 = 0 ⇒ bn2 sees zeros and outputs its shift β = 0 in eval mode with fresh statistics: the block is relu(x).
        model.Eval();
        var stem = model[0].Call(x);
        var block = model.GetSubmodule("1.0").Call(stem);
        Assert.Equal(Functional.Relu(stem).ToArray<float>(), block.ToArray<float>());
    }

    [Fact]
    public void SequentialIndexerReplacesInPlaceAndChecksTheIndex()
    {
        var model = Model();
        var linear = new Linear(64, 5, generator: new Generator(5));
        model[3] = linear;
        Assert.Same(linear, model[3]);
        Assert.Same(linear, model.Layers[3]);
        Assert.Same(linear, model.GetSubmodule("3"));
        Assert.Equal(new Shape(2, 5), model.Call(Tensor.Zeros(new Shape(2, 1, 4, 4))).Shape);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => model[4] = new ReLU());
        Assert.Contains("no layer 4; it has 4 (0..3)", e.Message);
        var list = new ModuleList(new ReLU(), new Tanh());
        list[1] = new Sigmoid();
        Assert.IsType<Sigmoid>(list.Items[1]);
    }

    [Fact]
    public void ResidualChildrenCanBeReplaced()
    {
        var body = new Sequential(new Linear(3, 3, generator: new Generator(1)));
        var residual = new Residual(body, new Identity(), new ReLU());
        var model = new Sequential(residual);
        model.ReplaceSubmodule("0.body", new Identity());
        model.ReplaceSubmodule("0.shortcut", new Identity());
        model.ReplaceSubmodule("0.activation", new Identity());
        var x = Tensor.FromArray([1.0f, -2, 3], 1, 3);
        Assert.Equal([2f, -4, 6], model.Call(x).ToArray<float>());
    }

    [Fact]
    public void ModulesWithTypedChildReferencesRefuseReplacementAndNothingChanges()
    {
        var attention = new MultiheadAttention(4, 2, generator: new Generator(1));
        var model = new Sequential(attention);
        var e = Assert.Throws<NotSupportedException>(() => model.ReplaceSubmodule("0.out_proj", new Linear(4, 4)));
        Assert.Contains("MultiheadAttention does not support replacing its child 'out_proj'", e.Message);
        Assert.Same(attention.OutProj, model.GetSubmodule("0.out_proj"));
    }

    [Fact]
    public void AReplacementThatContainsItsParentIsACycle()
    {
        var inner = new Sequential(new ReLU());
        var model = new Sequential(inner);
        var e = Assert.Throws<ArgumentException>(() => model.ReplaceSubmodule("0.0", new Sequential(inner)));
        Assert.Contains("cycle", e.Message);
    }
}

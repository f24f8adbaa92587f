using Descent.Tensors;
using Descent.Experiments;
using Xunit;

namespace Descent.Tests.Experiments;

public class ModelPresetsTests
{
    // Parameter counts worked out by hand from the layer shapes (PyTorch's numel of the same models).
    [Theory]
    [InlineData("mlp", 784 * 256 + 256 + 256 * 128 + 128 + 128 * 10 + 10)]
    [InlineData("mlp-bn", 784 * 256 + 2 * 256 + 256 * 128 + 2 * 128 + 128 * 10 + 10)]
    [InlineData("lenet5", 6 * 25 + 6 + 16 * 6 * 25 + 16 + 400 * 120 + 120 + 120 * 84 + 84 + 84 * 10 + 10)]
    [InlineData("cnn-small", 32 * 9 + 64 + 32 * 32 * 9 + 64 + 64 * 32 * 9 + 128 + 64 * 64 * 9 + 128 + 64 * 49 * 128 + 128 + 128 * 10 + 10)]
    // resnet-small: stem conv + BN; blocks 16→16 (identity), 16→32 and 32→64 (3×3 convs, BNs, 1×1 projection + BN); 64 → 10.
    [InlineData("resnet-small", 16 * 9 + 32
        + 2 * 16 * 16 * 9 + 2 * 32
        + 32 * 16 * 9 + 32 * 32 * 9 + 2 * 64 + 32 * 16 + 64
        + 64 * 32 * 9 + 64 * 64 * 9 + 2 * 128 + 64 * 32 + 128
        + 64 * 10 + 10)]
    public void PresetsHaveTheDocumentedSizeAndProduceLogits(string name, long parameters)
    {
        var model = ModelPresets.Create(name, generator: new Generator(1));
        Assert.Equal(parameters, model.ParameterCount);
        model.Eval();
        var y = model.Call(Tensor.Randn(new Shape(3, 1, 28, 28), generator: new Generator(2)));
        Assert.Equal(new Shape(3, 10), y.Shape);
        Assert.All(y.ToArray<float>(), v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void SameGeneratorSeedGivesSameWeights()
    {
        var a = ModelPresets.Create("lenet5", generator: new Generator(7)).StateDict();
        var b = ModelPresets.Create("lenet5", generator: new Generator(7)).StateDict();
        foreach (var (k, v) in a) Assert.Equal(v.ToArray<float>(), b[k].ToArray<float>());
    }

    [Fact]
    public void HiddenWidthsAndInputSizeAreHonoured()
    {
        var model = ModelPresets.Create("mlp", channels: 3, height: 8, width: 8, classes: 4, hidden: [16]);
        Assert.Equal(3 * 64 * 16 + 16 + 16 * 4 + 4, model.ParameterCount);
    }

    [Fact]
    public void UnknownNameListsTheChoices()
    {
        var e = Assert.Throws<ArgumentException>(() => ModelPresets.Create("resnet"));
        Assert.Contains("resnet", e.Message);
        Assert.Contains("lenet5", e.Message);
    }
}

using Descent.Experiments;
using Descent.NN;
using Descent.Tensors;

namespace Descent.Tests.NN;

/// <summary>Parameter and MAC counts per sample (Linear in·out, Conv2d out·in/groups·kh·kw·H·W), per layer and in total.</summary>
public class ModelComplexityTests
{
    [Fact]
    public void LeNet5CountsEveryConvolutionAndLinearLayer()
    {
        var model = ModelPresets.Create("lenet5");
        var cost = ModelComplexity.Measure(model, 1, 28, 28);
        long macs = 6L * 25 * 28 * 28 + 16L * 6 * 25 * 10 * 10 + 400 * 120 + 120 * 84 + 84 * 10;
        Assert.Equal(macs, cost.Macs);
        Assert.Equal(model.ParameterCount, cost.Parameters);
        var conv2 = Assert.Single(cost.Layers, l => l.Path == "3");
        Assert.Equal(("Conv2d", 16L * 6 * 25 + 16, 240_000L), (conv2.Type, conv2.Parameters, conv2.Macs));
        Assert.Equal(new Shape(1, 16, 10, 10), conv2.OutputShape);
        Assert.Equal(0, Assert.Single(cost.Layers, l => l.Path == "2").Macs);   // pooling is not counted
    }

    [Fact]
    public void GroupedConvolutionsAndBatchesCountPerSample()
    {
        var conv = new Conv2d(4, 8, 3, padding: 1, groups: 2);
        Assert.Equal(2L * 9 * 8 * 5 * 5, conv.MultiplyAccumulates(new Shape(3, 8, 5, 5)));
        var linear = new Linear(6, 4);
        Assert.Equal(6L * 4 * 7, linear.MultiplyAccumulates(new Shape(2, 7, 4)));   // a sequence of 7 per sample
        Assert.Equal(0, linear.MultiplyAccumulates(new Shape(0, 4)));
    }

    [Fact]
    public void TrainingModeIsRestored()
    {
        var model = ModelPresets.Create("cnn-small");
        model[1].Eval();
        ModelComplexity.Measure(model, 1, 28, 28);
        Assert.True(model.Training);
        Assert.False(model[1].Training);
    }

    [Fact]
    public void StridesAndPoolingShrinkTheCountedPositions()
    {
        // The counts architecture search minimizes (macs): convolutions at their real output sizes after pooling and stride.
        var g = new Generator(0);
        var model = new Sequential(
            new Conv2d(1, 8, 3, padding: 1, generator: g),   // 8·1·3·3 weights at 28·28 positions
            new ReLU(),
            new MaxPool2d(2),
            new Conv2d(8, 4, 3, stride: 2, generator: g),   // 4·8·3·3 at 6·6
            new Flatten(),
            new Linear(4 * 6 * 6, 10, generator: g));       // 144·10
        var cost = ModelComplexity.Measure(model, 1, 28, 28);
        Assert.Equal(8L * 9 * 28 * 28 + 4L * 8 * 9 * 6 * 6 + 144 * 10, cost.Macs);
        Assert.Equal(8 * 9 + 8 + 4 * 72 + 4 + 1440 + 10, cost.Parameters);
    }
}

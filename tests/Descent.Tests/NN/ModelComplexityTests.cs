using Descent.NN;
using Descent.Tensors;

namespace Descent.Tests.NN;

public class ModelComplexityTests
{
    [Fact]
    public void CountsTheMultiplyAccumulatesOfLinearAndConvolutionLayers()
    {
        var g = new Generator(0);
        var model = new Sequential(
            new Conv2d(1, 8, 3, padding: 1, generator: g),   // 8·1·3·3 weights at 28·28 positions
            new ReLU(),
            new MaxPool2d(2),
            new Conv2d(8, 4, 3, stride: 2, generator: g),   // 4·8·3·3 at 6·6
            new Flatten(),
            new Linear(4 * 6 * 6, 10, generator: g));       // 144·10
        Assert.Equal(8L * 9 * 28 * 28 + 4L * 8 * 9 * 6 * 6 + 144 * 10, ModelComplexity.Macs(model, 1, 28, 28));
        Assert.True(model.Training); // the count runs in evaluation mode and restores the mode
        Assert.Equal(8 * 9 + 8 + 4 * 72 + 4 + 1440 + 10, model.ParameterCount);
    }
}

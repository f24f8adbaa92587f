using Descent.Examples.CustomOptimizer;
using Descent.NN;
using Descent.Tensors;
using Descent.Tensors.Autograd;
// The example's ReZero block, not Descent.NN's ResNet basic block of the same name.

namespace Descent.Extensions.Tests.NN;

/// <summary>
/// Custom modules written outside the library (the example's <see cref="ReZeroBlock"/> and a module with a buffer
/// and train/eval behaviour): state dicts, checkpoints, <see cref="Module.Summary"/>, printing and Train/Eval.
/// </summary>
public sealed class CustomModuleTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("descent-ext-nn-");

    public void Dispose() => _dir.Delete(recursive: true);

    /// <summary>Subtracts a running mean of its inputs, updated in training mode only (a buffer, like BatchNorm's).</summary>
    private sealed class RunningCenter : Module
    {
        public RunningCenter(int features) => Mean = RegisterBuffer("running_mean", Tensor.Zeros(features));

        public Tensor Mean { get; }

        public override Tensor Forward(Tensor input)
        {
            if (Training)
                using (GradMode.Disable())
                    Mean.MulInPlace(0.5).AddInPlace(input.Mean(0), 0.5);
            return input - Mean;
        }
    }

    private static Tensor Batch() => Tensor.Linspace(-1, 1, 8).Reshape(2, 4);

    [Fact]
    public void StateDictsAndCheckpointsCoverParametersChildrenAndBuffers()
    {
        var model = new Sequential(new ReZeroBlock(4, 6, new Generator(1)), new RunningCenter(4));
        Assert.Equal(["0.alpha", "0.fc1.weight", "0.fc1.bias", "0.fc2.weight", "0.fc2.bias", "1.running_mean"], model.StateDict().Keys);
        Assert.Equal(4 * 6 + 6 + 6 * 4 + 4 + 1, model.ParameterCount);

        ((ReZeroBlock)model.NamedChildren().First().Module).Alpha.Detach().CopyFrom(Tensor.Full(new Shape(1), 0.7));
        model.Call(Batch());
        var path = Path.Combine(_dir.FullName, "model.safetensors");
        model.SaveCheckpoint(path);

        var copy = new Sequential(new ReZeroBlock(4, 6, new Generator(2)), new RunningCenter(4));
        copy.LoadCheckpoint(path);
        model.Eval();
        copy.Eval();
        Assert.Equal(model.Call(Batch()).ToDoubleArray(), copy.Call(Batch()).ToDoubleArray());

        var wrong = new Sequential(new ReZeroBlock(4, 5), new RunningCenter(4));
        var e = Assert.Throws<InvalidOperationException>(() => wrong.LoadStateDict(model.StateDict()));
        Assert.Contains("size mismatch: 0.fc1.weight: checkpoint [6, 4] vs model [5, 4]", e.Message);
    }

    [Fact]
    public void SummaryAndPrintingShowTheCustomModule()
    {
        var model = new Sequential(new Linear(8, 4), new ReZeroBlock(4, 16));
        var summary = model.Summary(2, 8);
        Assert.Contains("1 (ReZeroBlock)", summary);
        Assert.Contains("1.fc1 (Linear)", summary);
        Assert.Contains($"Total params: {8 * 4 + 4 + 4 * 16 + 16 + 16 * 4 + 4 + 1:N0}", summary);
        Assert.Contains("ReZeroBlock(features=4, hidden=16, squareplus_b=4", model.ToString());
        Assert.Contains("(fc2): Linear(in_features=16, out_features=4", model.ToString());
    }

    [Fact]
    public void TrainAndEvalReachEveryCustomDescendant()
    {
        var center = new RunningCenter(4);
        var model = new Sequential(new ReZeroBlock(4, 4), center);
        model.Call(Batch());
        var afterTraining = center.Mean.ToDoubleArray();
        Assert.NotEqual(new double[4], afterTraining);

        model.Eval();
        Assert.All(model.NamedModules(), m => Assert.False(m.Module.Training));
        model.Call(Batch() * 5);
        Assert.Equal(afterTraining, center.Mean.ToDoubleArray());

        model.Train();
        Assert.True(center.Training);
        model.Call(Batch() * 5);
        Assert.NotEqual(afterTraining, center.Mean.ToDoubleArray());
    }

    [Fact]
    public void GradientsReachTheBlocksParametersThroughTheCustomFunction()
    {
        var block = new ReZeroBlock(4, 3, new Generator(3));
        block.Alpha.Detach().CopyFrom(Tensor.Full(new Shape(1), 0.5));
        block.Call(Batch()).Sum().Backward();
        Assert.All(block.Parameters(), p => Assert.NotNull(p.Grad));
        Assert.Contains(block.Fc1.Weight.Grad!.ToDoubleArray(), g => g != 0);
    }
}

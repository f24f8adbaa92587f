using Descent.NN;
using Descent.Tensors;
using Descent.Tensors.Autograd;

namespace Descent.Tests.NN;

/// <summary>Residual (generic skip connection) and ResidualBlock (ResNet's basic block): names, semantics, gradients, tooling.</summary>
public sealed class ResidualTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "descent-residual-" + Guid.NewGuid().ToString("N"));

    public ResidualTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly string[] BlockNames =
    [
        "conv1.weight", "bn1.weight", "bn1.bias", "bn1.running_mean", "bn1.running_var", "bn1.num_batches_tracked",
        "conv2.weight", "bn2.weight", "bn2.bias", "bn2.running_mean", "bn2.running_var", "bn2.num_batches_tracked",
    ];

    [Fact]
    public void ResidualBlockHasTheFixturesNamesAndOrder()
    {
        var block = new ResidualBlock(3, 6);
        Assert.Equal(BlockNames, block.StateDict().Keys);
        Assert.Equal(["", "conv1", "bn1", "conv2", "bn2"], block.NamedModules().Select(m => m.Name));
        Assert.Equal(new Shape(6, 3, 3, 3), ((Conv2d)block.Conv1).Weight.Shape);
        Assert.Equal(new Shape(3, 6, 3, 3), ((Conv2d)block.Conv2).Weight.Shape);
        Assert.Contains("conv1.bias", new ResidualBlock(3, 6, bias: true).StateDict().Keys);
    }

    [Fact]
    public void AStrideOrNewWidthAddsATorchvisionStyleProjection()
    {
        var block = new ResidualBlock(4, 8, outChannels: 8, stride: 2, generator: new Generator(1));
        string[] projection =
        [
            "downsample.0.weight", "downsample.1.weight", "downsample.1.bias", "downsample.1.running_mean",
            "downsample.1.running_var", "downsample.1.num_batches_tracked",
        ];
        Assert.Equal([.. BlockNames, .. projection], block.StateDict().Keys);
        var conv = (Conv2d)block.GetSubmodule("downsample.0");
        Assert.Equal((new Size2(1, 1), new Size2(2, 2), false), (conv.KernelSize, conv.Stride, conv.Bias is not null));
        Assert.Equal(new Shape(2, 8, 4, 4), block.Call(Tensor.Randn(new Shape(2, 4, 7, 7))).Shape);
        Assert.Null(new ResidualBlock(4, 8).Downsample);
    }

    [Fact]
    public void ResidualBlockIsReluOfTheBranchPlusTheInput()
    {
        var block = new ResidualBlock(2, 3, dtype: DType.Float64, generator: new Generator(2));
        var x = Tensor.Randn(new Shape(2, 2, 4, 4), DType.Float64, new Generator(3));
        block.Eval();
        var branch = block.Bn2.Call(block.Conv2.Call(Functional.Relu(block.Bn1.Call(block.Conv1.Call(x)))));
        Assert.Equal(Functional.Relu(branch + x).ToDoubleArray(), block.Call(x).ToDoubleArray());
    }

    [Theory]
    [InlineData(2, 1)]
    [InlineData(3, 2)]
    public void ResidualBlockGradChecks(int outChannels, int stride)
    {
        var block = new ResidualBlock(2, 2, outChannels, stride: stride, bias: true, dtype: DType.Float64, generator: new Generator(4));
        var x = Tensor.Randn(new Shape(2, 2, 4, 4), DType.Float64, new Generator(5)).RequiresGradInPlace();
        GradCheck.Assert(t => block.Call(t[0]), [x, .. block.Parameters()]);
    }

    [Fact]
    public void ResidualGradChecksWithIdentityAndProjectionShortcuts()
    {
        var g = new Generator(6);
        var x = Tensor.Randn(new Shape(4, 3), DType.Float64, g).RequiresGradInPlace();
        var identity = new Residual(new Sequential(new Linear(3, 3, dtype: DType.Float64, generator: g), new Tanh()), activation: new Tanh());
        GradCheck.Assert(t => identity.Call(t[0]), [x, .. identity.Parameters()]);
        var projection = new Residual(new Linear(3, 2, dtype: DType.Float64, generator: g), new Linear(3, 2, dtype: DType.Float64, generator: g));
        GradCheck.Assert(t => projection.Call(t[0]), [x, .. projection.Parameters()]);
    }

    [Fact]
    public void TheInputGradientSumsTheBranchAndTheShortcut()
    {
        var x = Tensor.FromArray([1.0, -2, 3], 1, 3).RequiresGradInPlace();
        new Residual(new Identity()).Call(x).Sum().Backward();
        Assert.Equal([2.0, 2, 2], x.Grad!.ToDoubleArray());
    }

    [Fact]
    public void MismatchedShapesNameBothAndSuggestAProjection()
    {
        var e = Assert.Throws<InvalidOperationException>(() => new Residual(new Linear(3, 2)).Call(Tensor.Zeros(new Shape(1, 3))));
        Assert.Contains("Residual: the residual branch's output [1, 2] and the shortcut's [1, 3] must have the same shape", e.Message);
        Assert.Contains("projection shortcut", e.Message);
    }

    private static Sequential Model(long seed)
    {
        var g = new Generator(seed);
        return new Sequential(
            new Conv2d(1, 4, 3, padding: 1, generator: g),
            new Residual(new Sequential(new Conv2d(4, 4, 3, padding: 1, generator: g), new BatchNorm2d(4), new ReLU()),
                new Sequential(new Conv2d(4, 4, 1, generator: g), new BatchNorm2d(4)), new ReLU()),
            new ResidualBlock(4, 2, outChannels: 6, stride: 2, generator: g),
            new AdaptiveAvgPool2d(1), new Flatten(), new Linear(6, 3, generator: g));
    }

    [Fact]
    public void SummaryReprAndCheckpointsCoverTheChildren()
    {
        var model = Model(7);
        var summary = model.Summary(2, 1, 8, 8);
        Assert.Contains("1.body.0 (Conv2d)", summary);
        Assert.Contains("1.shortcut.1 (BatchNorm2d)", summary);
        Assert.Contains("1 (Residual)", summary);
        Assert.Contains("2.downsample.0 (Conv2d)", summary);
        Assert.Contains("2 (ResidualBlock)", summary);
        Assert.Contains($"Total params: {model.ParameterCount:N0}", summary);
        var repr = model.ToString();
        Assert.Contains("(1): Residual(\n    (body): Sequential(", repr.ReplaceLineEndings("\n"));
        Assert.Contains("(activation): ReLU()", repr);
        Assert.Contains("(2): ResidualBlock(\n    (conv1): Conv2d(4, 2, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), bias=False)", repr.ReplaceLineEndings("\n"));
        Assert.Contains("(downsample): Sequential(", repr);

        var x = Tensor.Randn(new Shape(2, 1, 8, 8), generator: new Generator(8));
        model.Call(x);                       // training mode: running statistics move
        var path = Path.Combine(_dir, "model.safetensors");
        model.SaveCheckpoint(path);
        var loaded = Model(9);
        loaded.LoadCheckpoint(path);
        model.Eval();
        loaded.Eval();
        Assert.Equal(model.Call(x).ToArray<float>(), loaded.Call(x).ToArray<float>());
    }
}

using Descent.Tensors;

namespace Descent.NN;

/// <summary>
/// The basic residual block of ResNet-18/34 (He et al. 2016; torchvision's <c>BasicBlock</c>):
/// y = relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x)). Children "conv1" (in → mid, with the stride), "bn1",
/// "conv2" (mid → out), "bn2", and, when the stride is not 1 or out ≠ in, "downsample" = Sequential(1×1 Conv2d with
/// the stride, no bias → BatchNorm2d) as torchvision names it; otherwise the shortcut is the identity. With the
/// identity shortcut the names, order and computation are those of the structured-pruning fixture's
/// <c>ResidualBlock</c> (state-dict names "0.conv1.weight", "0.bn1.running_var", ...).
/// </summary>
public sealed class ResidualBlock : Module
{
    /// <summary>
    /// Creates the block for <paramref name="channels"/> input channels with <paramref name="midChannels"/> inside;
    /// <paramref name="outChannels"/> defaults to the input's. Kernel 3 and padding 1 by default keep the size, so
    /// the main path and a 1×1 projection with the same stride produce the same shape.
    /// </summary>
    public ResidualBlock(int channels, int midChannels, int? outChannels = null, Size2? kernelSize = null, Size2? padding = null,
        Size2? stride = null, bool bias = false, double eps = 1e-5, DType dtype = DType.Float32, Generator? generator = null)
    {
        int outC = outChannels ?? channels;
        var kernel = kernelSize ?? 3;
        var s = stride ?? 1;
        Conv1 = RegisterModule("conv1", new Conv2d(channels, midChannels, kernel, s, padding ?? 1, bias: bias, dtype: dtype, generator: generator));
        Bn1 = RegisterModule("bn1", new BatchNorm2d(midChannels, eps, dtype: dtype));
        Conv2 = RegisterModule("conv2", new Conv2d(midChannels, outC, kernel, 1, padding ?? 1, bias: bias, dtype: dtype, generator: generator));
        Bn2 = RegisterModule("bn2", new BatchNorm2d(outC, eps, dtype: dtype));
        if (s != new Size2(1, 1) || outC != channels)
        {
            Downsample = RegisterModule("downsample", new Sequential(
                new Conv2d(channels, outC, 1, s, bias: false, dtype: dtype, generator: generator),
                new BatchNorm2d(outC, eps, dtype: dtype)));
        }
    }

    /// <summary>First convolution (in → mid, carries the stride).</summary>
    public Module Conv1 { get; private set; }

    /// <summary>Batch norm after <see cref="Conv1"/>.</summary>
    public Module Bn1 { get; private set; }

    /// <summary>Second convolution (mid → out).</summary>
    public Module Conv2 { get; private set; }

    /// <summary>Batch norm after <see cref="Conv2"/>, before the addition.</summary>
    public Module Bn2 { get; private set; }

    /// <summary>The projection shortcut, or null for the identity.</summary>
    public Module? Downsample { get; private set; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var y = Functional.Relu(Bn1.Call(Conv1.Call(input)));
        y = Bn2.Call(Conv2.Call(y));
        var skip = Downsample is null ? input : Downsample.Call(input);
        return Functional.Relu(ResidualAdd.Apply(TypeName, y, skip));
    }

    /// <inheritdoc/>
    protected override void OnReplacingChild(string name, Module replacement)
    {
        switch (name)
        {
            case "conv1": Conv1 = replacement; break;
            case "bn1": Bn1 = replacement; break;
            case "conv2": Conv2 = replacement; break;
            case "bn2": Bn2 = replacement; break;
            default: Downsample = replacement; break;
        }
    }
}

using Descent.Tensors;

namespace Descent.NN;

/// <summary>
/// 2-D convolution (cross-correlation) of NCHW images (PyTorch's <c>nn.Conv2d</c>, zero padding): "weight"
/// [out, in/groups, kh, kw] initialised kaiming_uniform(a = √5), "bias" [out] from U(±1/√fan_in).
/// </summary>
public sealed class Conv2d : Module
{
    /// <summary>Creates the layer; random initialisation draws from <paramref name="generator"/>.</summary>
    public Conv2d(int inChannels, int outChannels, Size2 kernelSize, Size2? stride = null, Size2? padding = null,
        Size2? dilation = null, int groups = 1, bool bias = true, DType dtype = DType.Float32, Generator? generator = null)
    {
        ConvLayout.Validate("Conv2d", inChannels, outChannels, kernelSize, groups);
        InChannels = inChannels;
        OutChannels = outChannels;
        KernelSize = kernelSize;
        Stride = stride ?? 1;
        Padding = padding ?? 0;
        Dilation = dilation ?? 1;
        Groups = groups;
        Weight = RegisterParameter("weight", Tensor.Zeros(new Shape(outChannels, inChannels / groups, kernelSize.H, kernelSize.W), dtype));
        Bias = bias ? RegisterParameter("bias", Tensor.Zeros(new Shape(outChannels), dtype)) : null;
        ConvLayout.ResetParameters(Weight, Bias, generator);
    }

    /// <summary>Input channels.</summary>
    public int InChannels { get; }

    /// <summary>Output channels.</summary>
    public int OutChannels { get; }

    /// <summary>Kernel (height, width).</summary>
    public Size2 KernelSize { get; }

    /// <summary>Stride (height, width).</summary>
    public Size2 Stride { get; }

    /// <summary>Zero padding on each side (height, width).</summary>
    public Size2 Padding { get; }

    /// <summary>Kernel dilation (height, width).</summary>
    public Size2 Dilation { get; }

    /// <summary>Channel groups (in and out channels must be divisible by it).</summary>
    public int Groups { get; }

    /// <summary>Kernel [out, in/groups, kh, kw].</summary>
    public Tensor Weight { get; }

    /// <summary>Bias [out], or null.</summary>
    public Tensor? Bias { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Tensor.Conv2d(input, Weight, Bias, Stride, Padding, Dilation, Groups);

    /// <inheritdoc/>
    public override string ExtraRepr() =>
        ConvLayout.Repr(InChannels, OutChannels, KernelSize, Stride, Padding, Dilation, null, Groups, Bias is not null);
}

/// <summary>
/// Transposed 2-D convolution (PyTorch's <c>nn.ConvTranspose2d</c>): "weight" [in, out/groups, kh, kw], "bias"
/// [out]; output size (H − 1)·stride − 2·padding + dilation·(k − 1) + outputPadding + 1. Initialised like Conv2d
/// (the fan comes from weight dim 1, as in PyTorch).
/// </summary>
public sealed class ConvTranspose2d : Module
{
    /// <summary>Creates the layer; random initialisation draws from <paramref name="generator"/>.</summary>
    public ConvTranspose2d(int inChannels, int outChannels, Size2 kernelSize, Size2? stride = null, Size2? padding = null,
        Size2? outputPadding = null, int groups = 1, bool bias = true, Size2? dilation = null,
        DType dtype = DType.Float32, Generator? generator = null)
    {
        ConvLayout.Validate("ConvTranspose2d", inChannels, outChannels, kernelSize, groups);
        InChannels = inChannels;
        OutChannels = outChannels;
        KernelSize = kernelSize;
        Stride = stride ?? 1;
        Padding = padding ?? 0;
        OutputPadding = outputPadding ?? 0;
        Dilation = dilation ?? 1;
        Groups = groups;
        Weight = RegisterParameter("weight", Tensor.Zeros(new Shape(inChannels, outChannels / groups, kernelSize.H, kernelSize.W), dtype));
        Bias = bias ? RegisterParameter("bias", Tensor.Zeros(new Shape(outChannels), dtype)) : null;
        ConvLayout.ResetParameters(Weight, Bias, generator);
    }

    /// <summary>Input channels.</summary>
    public int InChannels { get; }

    /// <summary>Output channels.</summary>
    public int OutChannels { get; }

    /// <summary>Kernel (height, width).</summary>
    public Size2 KernelSize { get; }

    /// <summary>Stride (height, width).</summary>
    public Size2 Stride { get; }

    /// <summary>Padding removed from each side of the output (height, width).</summary>
    public Size2 Padding { get; }

    /// <summary>Extra rows/columns added on one side of the output.</summary>
    public Size2 OutputPadding { get; }

    /// <summary>Kernel dilation (height, width).</summary>
    public Size2 Dilation { get; }

    /// <summary>Channel groups.</summary>
    public int Groups { get; }

    /// <summary>Kernel [in, out/groups, kh, kw].</summary>
    public Tensor Weight { get; }

    /// <summary>Bias [out], or null.</summary>
    public Tensor? Bias { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) =>
        Tensor.ConvTranspose2d(input, Weight, Bias, Stride, Padding, OutputPadding, Groups, Dilation);

    /// <inheritdoc/>
    public override string ExtraRepr() =>
        ConvLayout.Repr(InChannels, OutChannels, KernelSize, Stride, Padding, Dilation, OutputPadding, Groups, Bias is not null);
}

/// <summary>Argument checks, PyTorch's default initialisation and repr shared by the convolution layers.</summary>
internal static class ConvLayout
{
    public static void Validate(string layer, int inChannels, int outChannels, Size2 kernel, int groups)
    {
        if (inChannels < 1 || outChannels < 1)
            throw new ArgumentOutOfRangeException(nameof(inChannels), $"{layer}: in_channels {inChannels} and out_channels {outChannels} must be positive.");
        if (groups < 1 || inChannels % groups != 0 || outChannels % groups != 0)
            throw new ArgumentOutOfRangeException(nameof(groups), $"{layer}: in_channels {inChannels} and out_channels {outChannels} must be divisible by groups {groups}.");
        if (kernel.H < 1 || kernel.W < 1)
            throw new ArgumentOutOfRangeException(nameof(kernel), $"{layer}: kernel_size {kernel} must be positive.");
    }

    /// <summary>kaiming_uniform(a = √5) for the weight and U(±1/√fan_in) for the bias, as PyTorch's _ConvNd.</summary>
    public static void ResetParameters(Tensor weight, Tensor? bias, Generator? generator)
    {
        Init.KaimingUniform(weight, Math.Sqrt(5), generator: generator);
        if (bias is null) return;
        var (fanIn, _) = Init.FanInAndFanOut(weight);
        double bound = fanIn > 0 ? 1 / Math.Sqrt(fanIn) : 0;
        Init.Uniform(bias, -bound, bound, generator);
    }

    /// <summary>PyTorch's _ConvNd.extra_repr.</summary>
    public static string Repr(int inChannels, int outChannels, Size2 kernel, Size2 stride, Size2 padding, Size2 dilation,
        Size2? outputPadding, int groups, bool bias)
    {
        var s = $"{inChannels}, {outChannels}, kernel_size={kernel}, stride={stride}";
        if (padding != new Size2(0, 0)) s += $", padding={padding}";
        if (dilation != new Size2(1, 1)) s += $", dilation={dilation}";
        if (outputPadding is { } op && op != new Size2(0, 0)) s += $", output_padding={op}";
        if (groups != 1) s += $", groups={groups}";
        if (!bias) s += ", bias=False";
        return s;
    }
}

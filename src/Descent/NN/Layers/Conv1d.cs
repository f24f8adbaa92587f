using System.Globalization;
using Descent.Tensors;

namespace Descent.NN;

/// <summary>
/// 1-D convolution (cross-correlation) of NCL sequences (PyTorch's <c>nn.Conv1d</c>, zero padding): "weight"
/// [out, in/groups, k] initialised kaiming_uniform(a = √5), "bias" [out] from U(±1/√fan_in). Runs as a 2-D
/// convolution over a height-1 image, so it shares the GEMM kernels and autograd of <see cref="Conv2d"/>.
/// </summary>
public sealed class Conv1d : Module
{
    /// <summary>Creates the layer; random initialisation draws from <paramref name="generator"/>.</summary>
    public Conv1d(int inChannels, int outChannels, int kernelSize, int stride = 1, int padding = 0, int dilation = 1,
        int groups = 1, bool bias = true, DType dtype = DType.Float32, Generator? generator = null)
    {
        ConvLayout.Validate("Conv1d", inChannels, outChannels, new Size2(1, kernelSize), groups);
        if (stride < 1) throw new ArgumentOutOfRangeException(nameof(stride), stride, "Conv1d: stride must be positive.");
        if (padding < 0) throw new ArgumentOutOfRangeException(nameof(padding), padding, "Conv1d: padding must be non-negative.");
        if (dilation < 1) throw new ArgumentOutOfRangeException(nameof(dilation), dilation, "Conv1d: dilation must be positive.");
        InChannels = inChannels;
        OutChannels = outChannels;
        KernelSize = kernelSize;
        Stride = stride;
        Padding = padding;
        Dilation = dilation;
        Groups = groups;
        Weight = RegisterParameter("weight", Tensor.Zeros(new Shape(outChannels, inChannels / groups, kernelSize), dtype));
        Bias = bias ? RegisterParameter("bias", Tensor.Zeros(new Shape(outChannels), dtype)) : null;
        ConvLayout.ResetParameters(Weight, Bias, generator);
    }

    /// <summary>Input channels.</summary>
    public int InChannels { get; }

    /// <summary>Output channels.</summary>
    public int OutChannels { get; }

    /// <summary>Kernel length.</summary>
    public int KernelSize { get; }

    /// <summary>Step between windows.</summary>
    public int Stride { get; }

    /// <summary>Zero padding on each side.</summary>
    public int Padding { get; }

    /// <summary>Spacing between kernel taps.</summary>
    public int Dilation { get; }

    /// <summary>Channel groups.</summary>
    public int Groups { get; }

    /// <summary>Kernel [out, in/groups, k].</summary>
    public Tensor Weight { get; }

    /// <summary>Bias [out], or null.</summary>
    public Tensor? Bias { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank is not (2 or 3))
            throw new ArgumentException($"Conv1d: expected 2D (C, L) or 3D (N, C, L) input, got {input.Rank}D input {input.Shape}.");
        // [N, C, L] → [N, C, 1, L]: a 1×k kernel over a height-1 image is exactly PyTorch's conv1d.
        var image = input.Unsqueeze(input.Rank - 1);
        var kernel = Masked(Weight).Unsqueeze(2);
        var y = Tensor.Conv2d(image, kernel, Masked(Bias), new Size2(1, Stride), new Size2(0, Padding), new Size2(1, Dilation), Groups);
        return y.Squeeze(y.Rank - 2);
    }

    /// <inheritdoc/>
    public override IReadOnlyList<string> MaskableParameters => Bias is null ? ["weight"] : ["weight", "bias"];

    /// <inheritdoc/>
    public override string ExtraRepr()
    {
        var s = string.Create(CultureInfo.InvariantCulture, $"{InChannels}, {OutChannels}, kernel_size=({KernelSize},), stride=({Stride},)");
        if (Padding != 0) s += string.Create(CultureInfo.InvariantCulture, $", padding=({Padding},)");
        if (Dilation != 1) s += string.Create(CultureInfo.InvariantCulture, $", dilation=({Dilation},)");
        if (Groups != 1) s += string.Create(CultureInfo.InvariantCulture, $", groups={Groups}");
        if (Bias is null) s += ", bias=False";
        return s;
    }
}

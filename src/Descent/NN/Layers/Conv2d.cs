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

    /// <summary>
    /// Creates the layer with PyTorch's string padding: "valid" (none) or "same" (output size = input size; stride 1;
    /// when the total padding dilation·(k − 1) is odd the extra row/column goes to the bottom/right, as in PyTorch).
    /// </summary>
    public Conv2d(int inChannels, int outChannels, Size2 kernelSize, string padding, Size2? stride = null,
        Size2? dilation = null, int groups = 1, bool bias = true, DType dtype = DType.Float32, Generator? generator = null)
        : this(inChannels, outChannels, kernelSize, stride, SamePadding(padding, kernelSize, stride, dilation, out var extra),
            dilation, groups, bias, dtype, generator)
    {
        PaddingMode = padding;
        _extraPadding = extra;
    }

    private readonly Size2 _extraPadding;

    /// <summary>Input channels.</summary>
    public int InChannels { get; }

    /// <summary>Output channels.</summary>
    public int OutChannels { get; }

    /// <summary>Kernel (height, width).</summary>
    public Size2 KernelSize { get; }

    /// <summary>Stride (height, width).</summary>
    public Size2 Stride { get; }

    /// <summary>Zero padding on each side (height, width); for "same" the top/left amount.</summary>
    public Size2 Padding { get; }

    /// <summary>"same" or "valid" when the layer was created with string padding, else null.</summary>
    public string? PaddingMode { get; }

    /// <summary>Kernel dilation (height, width).</summary>
    public Size2 Dilation { get; }

    /// <summary>Channel groups (in and out channels must be divisible by it).</summary>
    public int Groups { get; }

    /// <summary>Kernel [out, in/groups, kh, kw].</summary>
    public Tensor Weight { get; }

    /// <summary>Bias [out], or null.</summary>
    public Tensor? Bias { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        if (_extraPadding.H > 0 || _extraPadding.W > 0)
            input = ConvLayout.PadBottomRight(input, _extraPadding);
        return Tensor.Conv2d(input, Masked(Weight), Masked(Bias), Stride, Padding, Dilation, Groups);
    }

    /// <inheritdoc/>
    public override IReadOnlyList<string> MaskableParameters => Bias is null ? ["weight"] : ["weight", "bias"];

    /// <inheritdoc/>
    public override string ExtraRepr() =>
        ConvLayout.Repr(InChannels, OutChannels, KernelSize, Stride, Padding, Dilation, null, Groups, Bias is not null, PaddingMode);

    /// <inheritdoc/>
    /// <remarks>out·(in/groups)·kh·kw per output position, as thop and the structured-pruning fixture count.</remarks>
    public override long MultiplyAccumulates(Shape output) =>
        ModelComplexity.PerSample(output, (long)(InChannels / Groups) * KernelSize.H * KernelSize.W, batched: output.Rank == 4);

    /// <summary>
    /// A new, independent Conv2d holding the output channels <paramref name="outChannels"/> (weight slices and bias
    /// entries) and input channels <paramref name="inChannels"/> of this one; null keeps all. Indices must be strictly
    /// increasing and in range. Kernel, stride, padding (also "same"), dilation, dtype and training mode are kept.
    /// With groups &gt; 1 the selection must keep the group structure: every group that keeps anything keeps the same
    /// number of output channels and the same number of input channels, and a group keeps input channels exactly when
    /// it keeps output channels; the new layer has one group per kept group. So whole groups can be dropped, the same
    /// count of channels can be dropped inside every group, and a depthwise convolution (groups = in_channels) keeps
    /// the same channels on both sides (with a depth multiplier m, input c goes with outputs c·m … c·m + m − 1).
    /// </summary>
    public Conv2d Keep(IReadOnlyList<int>? outChannels = null, IReadOnlyList<int>? inChannels = null)
    {
        RefuseIfMasked("Keep");
        var layer = $"{TypeName}({ExtraRepr()})";
        var outs = KeptIndices.Check(layer, "outChannels", OutChannels, outChannels);
        var ins = KeptIndices.Check(layer, "inChannels", InChannels, inChannels);
        Tensor weight;
        int groups = 1;
        if (Groups == 1) weight = KeptIndices.Take(KeptIndices.Take(Weight, 0, outs), 1, ins);
        else (weight, groups) = KeepGrouped(layer, outs, ins);
        // A throwaway generator: the initial values are overwritten, and Generator.Default must not advance.
        var kept = PaddingMode is null
            ? new Conv2d(ins.Length, outs.Length, KernelSize, Stride, Padding, Dilation, groups, Bias is not null, Weight.DType, new Generator(0))
            : new Conv2d(ins.Length, outs.Length, KernelSize, PaddingMode, Stride, Dilation, groups, Bias is not null, Weight.DType, new Generator(0));
        KeptIndices.CopyInto(kept.Weight, weight);
        if (Bias is not null) KeptIndices.CopyInto(kept.Bias, KeptIndices.Take(Bias, 0, outs));
        kept.Train(Training);
        return kept;
    }

    /// <summary>The kept weight [outs, kept inputs per group, kh, kw] of a grouped convolution and the new group count.</summary>
    private (Tensor Weight, int Groups) KeepGrouped(string layer, int[] outs, int[] ins)
    {
        int outPer = OutChannels / Groups, inPer = InChannels / Groups;
        var outsOf = new List<int>[Groups];
        var insOf = new List<int>[Groups];
        for (int g = 0; g < Groups; g++) (outsOf[g], insOf[g]) = ([], []);
        foreach (var o in outs) outsOf[o / outPer].Add(o);
        foreach (var i in ins) insOf[i / inPer].Add(i);
        int keptGroups = 0, outCount = -1, inCount = -1;
        for (int g = 0; g < Groups; g++)
        {
            if (outsOf[g].Count == 0 && insOf[g].Count == 0) continue;
            if (outsOf[g].Count == 0 || insOf[g].Count == 0 || (outCount >= 0 && (outsOf[g].Count != outCount || insOf[g].Count != inCount)))
                throw new ArgumentException(
                    $"{layer}.Keep: with groups={Groups} every group that keeps channels must keep the same number of output channels " +
                    $"and of input channels, and keep input channels exactly when it keeps output channels; group {g} " +
                    $"(outputs {g * outPer}..{g * outPer + outPer - 1}, inputs {g * inPer}..{g * inPer + inPer - 1}) keeps " +
                    $"{outsOf[g].Count} output and {insOf[g].Count} input channels" +
                    (outCount >= 0 ? $", an earlier group {outCount} and {inCount}." : "."));
            (outCount, inCount) = (outsOf[g].Count, insOf[g].Count);
            keptGroups++;
        }
        int kernel = KernelSize.H * KernelSize.W;
        var source = Weight.ToDoubleArray();
        var data = new double[outs.Length * inCount * kernel];
        int row = 0;
        for (int g = 0; g < Groups; g++)
        {
            foreach (var o in outsOf[g])
            {
                for (int j = 0; j < inCount; j++)
                {
                    int local = insOf[g][j] - g * inPer;
                    Array.Copy(source, (o * inPer + local) * kernel, data, (row * inCount + j) * kernel, kernel);
                }
                row++;
            }
        }
        using var persistent = StepScope.Suspend();
        var weight = Tensor.FromArray(data, outs.Length, inCount, KernelSize.H, KernelSize.W).To(Weight.DType);
        return (weight, keptGroups);
    }

    private static Size2 SamePadding(string padding, Size2 kernel, Size2? stride, Size2? dilation, out Size2 extra)
    {
        ArgumentNullException.ThrowIfNull(padding);
        extra = new Size2(0, 0);
        if (padding == "valid") return 0;
        if (padding != "same")
            throw new ArgumentException($"Conv2d: padding '{padding}' is not one of 'same', 'valid' (or give sizes).", nameof(padding));
        if (stride is { } st && (st.H != 1 || st.W != 1))
            throw new ArgumentException($"Conv2d: padding='same' is not supported for strided convolutions (stride {st}).", nameof(padding));
        var d = dilation ?? 1;
        int th = d.H * (kernel.H - 1), tw = d.W * (kernel.W - 1);
        extra = new Size2(th % 2, tw % 2);
        return new Size2(th / 2, tw / 2);
    }
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

    /// <summary>Appends <paramref name="extra"/> zero rows (bottom) and columns (right) to an NCHW or CHW input.</summary>
    public static Tensor PadBottomRight(Tensor input, Size2 extra)
    {
        if (extra.H > 0)
        {
            var dims = input.Shape.ToArray();
            dims[^2] = extra.H;
            input = Tensor.Cat([input, Tensor.Zeros(new Shape(dims), input.DType)], input.Rank - 2);
        }
        if (extra.W > 0)
        {
            var dims = input.Shape.ToArray();
            dims[^1] = extra.W;
            input = Tensor.Cat([input, Tensor.Zeros(new Shape(dims), input.DType)], input.Rank - 1);
        }
        return input;
    }

    /// <summary>PyTorch's _ConvNd.extra_repr.</summary>
    public static string Repr(int inChannels, int outChannels, Size2 kernel, Size2 stride, Size2 padding, Size2 dilation,
        Size2? outputPadding, int groups, bool bias, string? paddingMode = null)
    {
        var s = $"{inChannels}, {outChannels}, kernel_size={kernel}, stride={stride}";
        if (paddingMode is not null) s += $", padding='{paddingMode}'"; // quoted, so the repr stays a Python literal
        else if (padding != new Size2(0, 0)) s += $", padding={padding}";
        if (dilation != new Size2(1, 1)) s += $", dilation={dilation}";
        if (outputPadding is { } op && op != new Size2(0, 0)) s += $", output_padding={op}";
        if (groups != 1) s += $", groups={groups}";
        if (!bias) s += ", bias=False";
        return s;
    }
}

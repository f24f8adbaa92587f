using Descent.NN;
using Descent.Tensors;

namespace Descent.Compression.Quantization;

/// <summary>
/// A statically quantized Linear (PyTorch's torch.ao.nn.quantized.Linear, or LinearReLU with <c>relu</c>): int8
/// weights, the input quantized with calibrated parameters, y = (Σ (q_x − z_x)(q_w − z_w) · x_scale) · w_scale[o] +
/// bias[o] in float32. State: the <see cref="StaticQuantizedModule"/> buffers.
/// </summary>
public sealed class QuantizedLinear : StaticQuantizedModule
{
    /// <summary>An empty layer of the given size, to be filled by <see cref="Module.LoadStateDict"/>.</summary>
    public QuantizedLinear(int inFeatures, int outFeatures, bool bias = true, bool perChannel = true, bool reduceRange = true, bool relu = false)
        : base(new Shape(outFeatures, inFeatures), bias, perChannel, reduceRange, relu)
    {
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
    }

    /// <summary>Input size.</summary>
    public int InFeatures { get; }

    /// <summary>Output size.</summary>
    public int OutFeatures { get; }

    /// <summary>
    /// Quantizes <paramref name="linear"/>'s weights (qint8 symmetric, per output channel by default as PyTorch's x86
    /// static qconfig) for inputs quantized with <paramref name="input"/> (per-tensor quint8 over [0, 127] with
    /// <paramref name="reduceRange"/>, else [0, 255]).
    /// </summary>
    public static QuantizedLinear FromFloat(Linear linear, QuantParams input, bool perChannel = true, bool reduceRange = true, bool relu = false)
    {
        ArgumentNullException.ThrowIfNull(linear);
        var q = new QuantizedLinear(linear.InFeatures, linear.OutFeatures, linear.Bias is not null, perChannel, reduceRange, relu);
        q.LoadStateDict(q.StaticState(linear.Weight, linear.Bias, input));
        return q;
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => ApplyToRows(input, InFeatures, (x, rows, output) =>
        QuantizedGemm.StaticLinear(x, rows, InFeatures, InputScaleValue, InputZeroPointValue, InputQuantMax, Packed, Scales, BiasValues, Relu, output));

    /// <inheritdoc/>
    public override string ExtraRepr() =>
        $"in_features={InFeatures}, out_features={OutFeatures}, bias={(Bias is not null ? "True" : "False")}, {QuantRepr()}";
}

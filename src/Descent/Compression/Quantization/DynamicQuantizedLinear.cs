using Descent.NN;
using Descent.Tensors;

namespace Descent.Compression.Quantization;

/// <summary>
/// A dynamically quantized Linear (PyTorch's torch.ao.nn.quantized.dynamic.Linear): int8 weights quantized once
/// (symmetric, per tensor or per output channel), activations quantized per call from the batch's own min/max to
/// quint8 (per-tensor affine), an exact int32 product of the offsets (q_x − z_x)(q_w − z_w) and a float32 output
/// y = (acc · x_scale) · w_scale[o] + bias[o]. Float in, float out: it drops into any float model.
/// State: "weight" (int8 [out, in]), "weight_scale" (float32), "weight_zero_point" (int64), "bias" (float32).
/// Inference only: nothing is differentiable.
/// </summary>
/// <remarks>
/// <see cref="ReduceRange"/> (the default, as PyTorch's x86 engines fbgemm and onednn quantize dynamic activations)
/// quantizes activations to [0, 127]: one bit of activation resolution for the u8×s8 kernel, about 2× the float32
/// GEMM here. Without it the activations use [0, 255], PyTorch's definition (quantization.json), through the exact
/// int16 kernel, about 1.6× (docs/quantization.md).
/// </remarks>
public sealed class DynamicQuantizedLinear : QuantizedWeightModule
{
    /// <summary>
    /// An empty layer of the given size (all-zero weights, scale 1), to be filled by <see cref="Module.LoadStateDict"/>;
    /// <paramref name="perChannel"/> decides the shape of the scale and zero-point buffers ([out] or [1]).
    /// </summary>
    public DynamicQuantizedLinear(int inFeatures, int outFeatures, bool bias = true, bool perChannel = false, bool reduceRange = true,
        bool relu = false)
        : base(new Shape(outFeatures, inFeatures), bias, perChannel)
    {
        ReduceRange = reduceRange;
        Relu = relu;
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
    }

    /// <summary>Input size.</summary>
    public int InFeatures { get; }

    /// <summary>Output size.</summary>
    public int OutFeatures { get; }

    /// <summary>True when activations are quantized to 7 bits, [0, 127] (PyTorch's reduce_range).</summary>
    public bool ReduceRange { get; }

    /// <summary>True when a following ReLU is fused into the output (PyTorch's LinearReLU): y = max(·, 0).</summary>
    public bool Relu { get; }

    /// <summary>
    /// Quantizes a float Linear's weight with PyTorch's weight observer (MinMaxObserver, or PerChannelMinMaxObserver
    /// with <paramref name="perChannel"/>; qint8, symmetric) and copies its bias; <paramref name="reduceRange"/> as the
    /// constructor's; <paramref name="relu"/> fuses a ReLU that follows the layer.
    /// </summary>
    public static DynamicQuantizedLinear FromFloat(Linear linear, bool perChannel = false, bool reduceRange = true, bool relu = false)
    {
        ArgumentNullException.ThrowIfNull(linear);
        var q = new DynamicQuantizedLinear(linear.InFeatures, linear.OutFeatures, linear.Bias is not null, perChannel, reduceRange, relu);
        q.LoadStateDict(QuantizeWeights(linear.Weight, linear.Bias, perChannel));
        return q;
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => ApplyToRows(input, InFeatures, (x, rows, output) =>
        QuantizedGemm.DynamicLinear(x, rows, InFeatures, Packed, Scales, BiasValues, Relu, ReduceRange, output, TypeName));

    /// <inheritdoc/>
    public override string ExtraRepr() =>
        $"in_features={InFeatures}, out_features={OutFeatures}, bias={(Bias is not null ? "True" : "False")}, dtype=torch.qint8, qscheme=torch.{(PerChannel ? "per_channel_symmetric" : "per_tensor_symmetric")}, reduce_range={(ReduceRange ? "True" : "False")}{(Relu ? ", relu=True" : "")}";
}

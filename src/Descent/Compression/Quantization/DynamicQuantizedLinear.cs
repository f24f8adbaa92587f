using Descent.Kernels.Quantized;
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
public sealed class DynamicQuantizedLinear : Module
{
    private Int8PackedMatrix _packed;
    private float[] _scales = [];
    private float[] _bias = [];

    /// <summary>
    /// An empty layer of the given size (all-zero weights, scale 1), to be filled by <see cref="Module.LoadStateDict"/>;
    /// <paramref name="perChannel"/> decides the shape of the scale and zero-point buffers ([out] or [1]).
    /// </summary>
    public DynamicQuantizedLinear(int inFeatures, int outFeatures, bool bias = true, bool perChannel = false, bool reduceRange = true,
        bool relu = false)
    {
        ReduceRange = reduceRange;
        Relu = relu;
        ArgumentOutOfRangeException.ThrowIfNegative(inFeatures);
        ArgumentOutOfRangeException.ThrowIfNegative(outFeatures);
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        PerChannel = perChannel;
        int channels = perChannel ? outFeatures : 1;
        Weight = RegisterBuffer("weight", Tensor.Zeros(new Shape(outFeatures, inFeatures), DType.Int8));
        WeightScale = RegisterBuffer("weight_scale", Tensor.Ones(new Shape(channels)));
        WeightZeroPoint = RegisterBuffer("weight_zero_point", Tensor.Zeros(new Shape(channels), DType.Int64));
        if (bias) Bias = RegisterBuffer("bias", Tensor.Zeros(new Shape(outFeatures)));
        _packed = Repack();
    }

    /// <summary>Input size.</summary>
    public int InFeatures { get; }

    /// <summary>Output size.</summary>
    public int OutFeatures { get; }

    /// <summary>True when every output channel has its own weight scale.</summary>
    public bool PerChannel { get; }

    /// <summary>True when activations are quantized to 7 bits, [0, 127] (PyTorch's reduce_range).</summary>
    public bool ReduceRange { get; }

    /// <summary>True when a following ReLU is fused into the output (PyTorch's LinearReLU): y = max(·, 0).</summary>
    public bool Relu { get; }

    /// <summary>Integer weights [out, in] (int8).</summary>
    public Tensor Weight { get; }

    /// <summary>Weight scales ([out] per channel, else [1]).</summary>
    public Tensor WeightScale { get; }

    /// <summary>Weight zero points (int64, 0 for the symmetric scheme).</summary>
    public Tensor WeightZeroPoint { get; }

    /// <summary>Float32 bias [out], or null.</summary>
    public Tensor? Bias { get; }

    /// <summary>
    /// Quantizes a float Linear's weight with PyTorch's weight observer (MinMaxObserver, or PerChannelMinMaxObserver
    /// with <paramref name="perChannel"/>; qint8, symmetric) and copies its bias; <paramref name="reduceRange"/> as the
    /// constructor's; <paramref name="relu"/> fuses a ReLU that follows the layer.
    /// </summary>
    public static DynamicQuantizedLinear FromFloat(Linear linear, bool perChannel = false, bool reduceRange = true, bool relu = false)
    {
        ArgumentNullException.ThrowIfNull(linear);
        var q = new DynamicQuantizedLinear(linear.InFeatures, linear.OutFeatures, linear.Bias is not null, perChannel, reduceRange, relu);
        var weight = linear.Weight.Detach().To(DType.Float32);
        Observer observer = perChannel
            ? new PerChannelMinMaxObserver(0, QuantizedType.QInt8, QScheme.PerChannelSymmetric)
            : new MinMaxObserver(QuantizedType.QInt8, QScheme.PerTensorSymmetric);
        observer.Observe(weight);
        var qparams = observer.CalculateQParams();
        var qweight = QuantizedTensor.Quantize(weight, qparams);
        var state = new StateDict
        {
            { "weight", qweight.IntRepr },
            { "weight_scale", Tensor.FromArray(qparams.Scales, qparams.Scales.Length) },
            { "weight_zero_point", Tensor.FromArray(Array.ConvertAll(qparams.ZeroPoints, z => (long)z), qparams.ZeroPoints.Length) },
        };
        if (linear.Bias is not null) state.Add("bias", linear.Bias.Detach().To(DType.Float32));
        q.LoadStateDict(state);
        return q;
    }

    /// <inheritdoc/>
    protected override void OnStateDictLoaded() => _packed = Repack();

    private Int8PackedMatrix Repack()
    {
        var zeroPoints = Array.ConvertAll(WeightZeroPoint.ToArray<long>(), z => checked((int)z));
        var scales = WeightScale.ToArray<float>();
        _scales = PerChannel ? scales : Enumerable.Repeat(scales[0], OutFeatures).ToArray();
        _bias = Bias?.ToArray<float>() ?? [];
        var perRow = PerChannel ? zeroPoints : Enumerable.Repeat(zeroPoints[0], OutFeatures).ToArray();
        return Int8PackedMatrix.Pack(Weight.Span<sbyte>(), OutFeatures, InFeatures, perRow);
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank == 0 || input.Shape[-1] != InFeatures)
            throw new ArgumentException($"{TypeName}: input {input.Shape} does not end in in_features = {InFeatures}.", nameof(input));
        if (!input.DType.IsFloatingPoint())
            throw new ArgumentException($"{TypeName}: input must be float32 or float64, got {input.DType.TorchName()}.", nameof(input));
        var x = input.DType == DType.Float32 ? input : input.To(DType.Float32);
        var dims = input.Shape.Dims.ToArray();
        dims[^1] = OutFeatures;
        var output = Tensor.Empty(new Shape(dims), DType.Float32);
        int rows = InFeatures == 0 ? 0 : x.Numel / InFeatures;
        if (rows > 0)
            QuantizedGemm.DynamicLinear(x.Span<float>(), rows, InFeatures, _packed, _scales, _bias, Relu, ReduceRange, output.Span<float>(), TypeName);
        else
            output.ZeroInPlace();
        return input.DType == DType.Float32 ? output : output.To(input.DType);
    }

    /// <inheritdoc/>
    public override string ExtraRepr() =>
        $"in_features={InFeatures}, out_features={OutFeatures}, bias={(Bias is not null ? "True" : "False")}, dtype=torch.qint8, qscheme=torch.{(PerChannel ? "per_channel_symmetric" : "per_tensor_symmetric")}, reduce_range={(ReduceRange ? "True" : "False")}{(Relu ? ", relu=True" : "")}";
}

using Descent.Kernels.Quantized;
using Descent.NN;
using Descent.Tensors;

namespace Descent.Compression.Quantization;

/// <summary>
/// The common state of Descent's int8 layers: int8 weights [out, ...] quantized symmetrically (one scale, or one per
/// output channel), their scales and zero points and a float32 bias, as buffers "weight" (int8), "weight_scale"
/// (float32 [out] or [1]), "weight_zero_point" (int64) and "bias" (float32 [out]) — 4× smaller than float32 weights in
/// a checkpoint. The weights are packed for <see cref="Int8Gemm"/> (flattened to [out, in·…]) once, and again whenever
/// <see cref="Module.LoadStateDict"/> writes the buffers. Inference only: nothing is differentiable.
/// </summary>
public abstract class QuantizedWeightModule : Module
{
    private protected QuantizedWeightModule(Shape weightShape, bool bias, bool perChannel)
    {
        if (weightShape.Rank < 2)
            throw new ArgumentException($"{GetType().Name}: weight shape {weightShape} needs an output and an input dimension.", nameof(weightShape));
        for (int d = 0; d < weightShape.Rank; d++) ArgumentOutOfRangeException.ThrowIfNegative(weightShape[d]);
        PerChannel = perChannel;
        int outputs = weightShape[0], channels = perChannel ? outputs : 1;
        Weight = RegisterBuffer("weight", Tensor.Zeros(weightShape, DType.Int8));
        WeightScale = RegisterBuffer("weight_scale", Tensor.Ones(new Shape(channels)));
        WeightZeroPoint = RegisterBuffer("weight_zero_point", Tensor.Zeros(new Shape(channels), DType.Int64));
        if (bias) Bias = RegisterBuffer("bias", Tensor.Zeros(new Shape(outputs)));
        Repack();
    }

    /// <summary>True when every output channel has its own weight scale.</summary>
    public bool PerChannel { get; }

    /// <summary>Integer weights [out, ...] (int8).</summary>
    public Tensor Weight { get; }

    /// <summary>Weight scales ([out] per channel, else [1]).</summary>
    public Tensor WeightScale { get; }

    /// <summary>Weight zero points (int64, 0 for the symmetric scheme).</summary>
    public Tensor WeightZeroPoint { get; }

    /// <summary>Float32 bias [out], or null.</summary>
    public Tensor? Bias { get; }

    /// <summary>The packed weights [out × in·…].</summary>
    private protected Int8PackedMatrix Packed { get; private set; } = null!;

    /// <summary>One weight scale per output channel (the per-tensor scale repeated).</summary>
    private protected float[] Scales { get; private set; } = [];

    /// <summary>The bias values, or empty.</summary>
    private protected float[] BiasValues { get; private set; } = [];

    /// <summary><see cref="Scales"/> zero-padded to whole panels (<see cref="Int8PackedMatrix.PaddedColumns"/>), for the epilogue's vectors.</summary>
    private protected float[] PaddedScales { get; private set; } = [];

    /// <summary><see cref="BiasValues"/> zero-padded to whole panels, or empty without bias.</summary>
    private protected float[] PaddedBias { get; private set; } = [];

    /// <inheritdoc/>
    protected override void OnStateDictLoaded() => Repack();

    private void Repack()
    {
        int outputs = Weight.Shape[0], k = outputs == 0 ? 0 : Weight.Numel / outputs;
        var zeroPoints = Array.ConvertAll(WeightZeroPoint.ToArray<long>(), z => checked((int)z));
        var scales = WeightScale.ToArray<float>();
        Scales = PerChannel ? scales : Enumerable.Repeat(scales[0], outputs).ToArray();
        BiasValues = Bias?.ToArray<float>() ?? [];
        int padded = Int8PackedMatrix.PaddedColumns(outputs);
        PaddedScales = new float[padded];
        Scales.CopyTo(PaddedScales, 0);
        PaddedBias = BiasValues.Length == 0 ? [] : new float[padded];
        BiasValues.CopyTo(PaddedBias, 0);
        var perRow = PerChannel ? zeroPoints : Enumerable.Repeat(zeroPoints[0], outputs).ToArray();
        Packed = Int8PackedMatrix.Pack(PackingOrder(Weight), outputs, k, perRow);
    }

    /// <summary>
    /// The int8 weights in the column order the layer's kernel reads, row o = output channel o (default: the weight
    /// as stored, flattened). Called from the constructor too, so overrides may use only <paramref name="weight"/>.
    /// </summary>
    private protected virtual ReadOnlySpan<sbyte> PackingOrder(Tensor weight) => weight.Span<sbyte>();

    /// <summary>
    /// The state of a float layer's weight quantized with PyTorch's weight observer (qint8, symmetric;
    /// MinMaxObserver per tensor or PerChannelMinMaxObserver along dim 0) and its bias in float32: the entries
    /// "weight", "weight_scale", "weight_zero_point" and "bias" that <see cref="Module.LoadStateDict"/> takes.
    /// </summary>
    private protected static StateDict QuantizeWeights(Tensor weight, Tensor? bias, bool perChannel)
    {
        var w = weight.Detach().To(DType.Float32);
        Observer observer = perChannel
            ? new PerChannelMinMaxObserver(0, QuantizedType.QInt8, QScheme.PerChannelSymmetric)
            : new MinMaxObserver(QuantizedType.QInt8, QScheme.PerTensorSymmetric);
        observer.Observe(w);
        var qparams = observer.CalculateQParams();
        var state = new StateDict
        {
            { "weight", QuantizedTensor.Quantize(w, qparams).IntRepr },
            { "weight_scale", Tensor.FromArray(qparams.Scales, qparams.Scales.Length) },
            { "weight_zero_point", Tensor.FromArray(Array.ConvertAll(qparams.ZeroPoints, z => (long)z), qparams.ZeroPoints.Length) },
        };
        if (bias is not null) state.Add("bias", bias.Detach().To(DType.Float32));
        return state;
    }

    /// <summary>A kernel from float rows x [rows × in] to float rows output [rows × out].</summary>
    private protected delegate void RowKernel(ReadOnlySpan<float> x, int rows, Span<float> output);

    /// <summary>
    /// Applies <paramref name="kernel"/> to the last dimension of a float input [..., in] (PyTorch's Linear shapes),
    /// returning [..., out] in the input's float type.
    /// </summary>
    private protected Tensor ApplyToRows(Tensor input, int inFeatures, RowKernel kernel)
    {
        var x = FloatInput(input);
        if (input.Rank == 0 || input.Shape[-1] != inFeatures)
            throw new ArgumentException($"{TypeName}: input {input.Shape} does not end in in_features = {inFeatures}.", nameof(input));
        var dims = input.Shape.Dims.ToArray();
        dims[^1] = Weight.Shape[0];
        var output = Tensor.Empty(new Shape(dims), DType.Float32);
        int rows = inFeatures == 0 ? 0 : x.Numel / inFeatures;
        if (rows > 0) kernel(x.Span<float>(), rows, output.Span<float>());
        else output.ZeroInPlace();
        return input.DType == DType.Float32 ? output : output.To(input.DType);
    }

    /// <summary>The float32 view of a float input (converted when float64), or an error naming the layer.</summary>
    private protected Tensor FloatInput(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!input.DType.IsFloatingPoint())
            throw new ArgumentException($"{TypeName}: input must be float32 or float64, got {input.DType.TorchName()}.", nameof(input));
        return input.DType == DType.Float32 ? input : input.To(DType.Float32);
    }
}

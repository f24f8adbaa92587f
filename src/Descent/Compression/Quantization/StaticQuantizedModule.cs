using Descent.Kernels.Quantized;
using Descent.NN;
using Descent.Tensors;

namespace Descent.Compression.Quantization;

/// <summary>
/// An int8 layer of static quantization: besides the int8 weights (<see cref="QuantizedWeightModule"/>) it holds its
/// input's quint8 scale and zero point, fixed by calibration or quantization-aware training, as buffers
/// "input_scale" (float32 [1]) and "input_zero_point" (int64 [1]). Each call quantizes its float input with them to
/// [0, 127] (<see cref="ReduceRange"/>, PyTorch's x86 default) or [0, 255], runs the int8 GEMM and returns float32
/// with the bias added and an optional fused ReLU.
/// </summary>
/// <remarks>
/// Deliberate difference from PyTorch's static flow: the output is not requantized to an output scale; the next
/// layer quantizes it with its own calibrated input parameters. The integers and the result are those of PyTorch's
/// definition for the same input parameters, one rounding fewer, and float layers in between need no stubs.
/// </remarks>
public abstract class StaticQuantizedModule : QuantizedWeightModule, IInt8Consumer
{
    private float _inputScale = 1f;
    private int _inputZeroPoint;

    private protected StaticQuantizedModule(Shape weightShape, bool bias, bool perChannel, bool reduceRange, bool relu)
        : base(weightShape, bias, perChannel)
    {
        ReduceRange = reduceRange;
        Relu = relu;
        InputScale = RegisterBuffer("input_scale", Tensor.Ones(new Shape(1)));
        InputZeroPoint = RegisterBuffer("input_zero_point", Tensor.Zeros(new Shape(1), DType.Int64));
    }

    /// <summary>True when inputs are quantized to 7 bits, [0, 127] (PyTorch's reduce_range).</summary>
    public bool ReduceRange { get; }

    /// <summary>True when a following ReLU is fused into the output: y = max(·, 0).</summary>
    public bool Relu { get; }

    /// <summary>The input's quint8 scale (float32 [1]).</summary>
    public Tensor InputScale { get; }

    /// <summary>The input's quint8 zero point (int64 [1]).</summary>
    public Tensor InputZeroPoint { get; }

    /// <summary>Largest quantized input value: 127 with <see cref="ReduceRange"/>, else 255.</summary>
    internal int InputQuantMax => ReduceRange ? 127 : 255;

    /// <summary>The input scale as loaded.</summary>
    internal float InputScaleValue => _inputScale;

    /// <summary>The input zero point as loaded.</summary>
    internal int InputZeroPointValue => _inputZeroPoint;

    /// <summary>
    /// Set by <see cref="Int8Linking"/> when the next layer is int8 too: this layer's output is requantized in the
    /// GEMM epilogue to uint8 with the next layer's input parameters (NHWC for convolutions) instead of float32.
    /// </summary>
    internal Int8Activation? OutputQuantization => OutputConsumer?.InputActivation;

    /// <summary>The int8 layer this one's output is requantized for (<see cref="OutputQuantization"/>); null: float output.</summary>
    internal IInt8Consumer? OutputConsumer { get; set; }

    /// <summary>
    /// Set by <see cref="Int8Linking"/> when the previous layer is int8: a uint8 input (NHWC for convolutions) is
    /// taken as already quantized with this layer's input parameters. Float inputs are always accepted.
    /// </summary>
    internal bool TakesInt8Input { get; set; }

    /// <summary>This layer's input parameters as an <see cref="Int8Activation"/>.</summary>
    internal Int8Activation InputActivation => new(_inputScale, _inputZeroPoint, InputQuantMax);

    Int8Activation IInt8Consumer.InputActivation => InputActivation;

    /// <summary>z_x · Σ_k w[j, k] per output channel: the u8 kernel's zero-point correction.</summary>
    private protected int[] ZeroPointCorrection()
    {
        var sums = Packed.ColumnSums;
        var correction = new int[Int8PackedMatrix.PaddedColumns(sums.Length)];
        for (int j = 0; j < sums.Length; j++) correction[j] = _inputZeroPoint * sums[j];
        return correction;
    }

    /// <summary>The error for a uint8 input this layer was not linked to take.</summary>
    private protected ArgumentException UnlinkedInt8Input(Tensor input) =>
        new($"{TypeName}: got a uint8 input {input.Shape}; int8 activations come only from a linked int8 layer before it (Quantizer.Convert links them), so pass float32 or float64.", nameof(input));

    /// <inheritdoc/>
    protected override void OnStateDictLoaded()
    {
        base.OnStateDictLoaded();
        float scale = InputScale.ToArray<float>()[0];
        long zeroPoint = InputZeroPoint.ToArray<long>()[0];
        if (!(scale > 0) || !float.IsFinite(scale) || zeroPoint < 0 || zeroPoint > InputQuantMax)
            throw new InvalidOperationException($"{TypeName}: input_scale {scale} must be positive and finite and input_zero_point {zeroPoint} inside [0, {InputQuantMax}].");
        (_inputScale, _inputZeroPoint) = (scale, (int)zeroPoint);
    }

    /// <summary>
    /// The state of a float layer quantized for static inference: its weights as <see cref="QuantizedWeightModule"/>
    /// quantizes them plus the input parameters <paramref name="input"/> (per-tensor quint8, e.g. from an observer).
    /// </summary>
    private protected StateDict StaticState(Tensor weight, Tensor? bias, QuantParams input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.IsPerChannel || input.Type != QuantizedType.QUInt8 || input.QuantMin != 0 || input.QuantMax != InputQuantMax)
            throw new ArgumentException($"{TypeName}: input parameters must be per-tensor quint8 over [0, {InputQuantMax}], got {input.Type.TorchName()} [{input.QuantMin}, {input.QuantMax}]{(input.IsPerChannel ? " per channel" : "")}.", nameof(input));
        var state = QuantizeWeights(weight, bias, PerChannel);
        state.Add("input_scale", Tensor.FromArray(new[] { input.Scales[0] }, 1));
        state.Add("input_zero_point", Tensor.FromArray(new[] { (long)input.ZeroPoints[0] }, 1));
        return state;
    }

    /// <summary>The common part of the static layers' repr: dtype, scheme, input parameters and fused ReLU.</summary>
    private protected string QuantRepr() =>
        $"dtype=torch.qint8, qscheme=torch.{(PerChannel ? "per_channel_symmetric" : "per_tensor_symmetric")}, input_scale={_inputScale}, input_zero_point={_inputZeroPoint}, reduce_range={(ReduceRange ? "True" : "False")}{(Relu ? ", relu=True" : "")}";
}

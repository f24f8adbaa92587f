using Descent.NN;
using Descent.Tensors;

namespace Descent.Compression.Quantization;

/// <summary>
/// A Linear or Conv2d prepared for static quantization: it records its input's range with a quint8 observer
/// (PyTorch's <c>prepare</c> inserts the same observer before a quantized layer) and, with <see cref="FakeQuantize"/>,
/// trains with fake-quantized input and weights (PyTorch's <c>prepare_qat</c> and <c>torch.ao.nn.qat.Linear/Conv2d</c>):
/// the input through the observer's current parameters (moving-average min/max, updated in training mode only), the
/// weight through symmetric qint8 parameters of its own current min/max (per output channel or per tensor), both with
/// the clipped straight-through gradient. <see cref="ToQuantized"/> returns the int8 layer on exactly that grid.
/// The layer's "weight" and "bias" are this module's own parameters (the same tensors), so state-dict names and an
/// optimizer built over the float model stay valid.
/// </summary>
public sealed class ObservedLayer : Module
{
    /// <summary>
    /// Wraps <paramref name="layer"/> (a Linear or a one-group Conv2d); <paramref name="relu"/> applies a ReLU after
    /// it (the fused ReLU of the int8 layer); <paramref name="fakeQuantize"/> selects quantization-aware training.
    /// </summary>
    public ObservedLayer(Module layer, bool relu = false, bool fakeQuantize = false, QuantizationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(layer);
        options ??= new QuantizationOptions();
        (Tensor weight, Tensor? bias) = layer switch
        {
            Linear l => (l.Weight, l.Bias),
            Conv2d c when QuantizedConv2d.Unsupported(c) is null => (c.Weight, c.Bias),
            _ => throw new ArgumentException($"ObservedLayer: {layer.TypeName} has no int8 counterpart (Linear and one-group Conv2d do).", nameof(layer)),
        };
        Layer = layer;
        Relu = relu;
        FakeQuantize = fakeQuantize;
        Options = options;
        Weight = RegisterParameter("weight", weight);
        if (bias is not null) Bias = RegisterParameter("bias", bias);
        // QAT follows the input range with PyTorch's moving average (0.01) so early, untrained ranges fade.
        InputObserver = (fakeQuantize ? ActivationObserver.MinMax : options.CalibrationObserver) switch
        {
            ActivationObserver.Percentile => new PercentileObserver(options.Percentile ?? 99.99, QuantizedType.QUInt8, QScheme.PerTensorAffine, options.ReduceRange),
            ActivationObserver.Histogram => new HistogramObserver(type: QuantizedType.QUInt8, scheme: QScheme.PerTensorAffine, reduceRange: options.ReduceRange),
            _ => new MinMaxObserver(QuantizedType.QUInt8, QScheme.PerTensorAffine, options.ReduceRange,
                averagingConstant: fakeQuantize ? options.AveragingConstant ?? 0.01 : options.AveragingConstant),
        };
        Train(layer.Training);
    }

    /// <summary>The float layer (Linear or Conv2d).</summary>
    public Module Layer { get; }

    /// <summary>True when a ReLU follows the layer (fused into the int8 layer).</summary>
    public bool Relu { get; }

    /// <summary>True for quantization-aware training (fake-quantized input and weights), false for calibration.</summary>
    public bool FakeQuantize { get; }

    /// <summary>The settings of the int8 layer this becomes.</summary>
    public QuantizationOptions Options { get; }

    /// <summary>The input's observer (<see cref="MinMaxObserver"/>, or for calibration the <see cref="HistogramObserver"/> or <see cref="PercentileObserver"/> the options select).</summary>
    public Observer InputObserver { get; }

    /// <summary>The layer's weight (the same tensor).</summary>
    public Tensor Weight { get; }

    /// <summary>The layer's bias (the same tensor), or null.</summary>
    public Tensor? Bias { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        Tensor y;
        if (!FakeQuantize)
        {
            InputObserver.Observe(input.Detach());
            y = Layer.Call(input);
        }
        else
        {
            if (Training) InputObserver.Observe(input.Detach());
            var x = InputObserver.HasObserved ? FakeQuantizeInput(input) : input;
            y = Layer switch
            {
                Linear => Tensor.Linear(x, FakeQuantizeWeight(), Bias),
                _ => Convolve((Conv2d)Layer, x, FakeQuantizeWeight()),
            };
        }
        return Relu ? Functional.Relu(y) : y;
    }

    /// <summary>
    /// The int8 layer (<see cref="QuantizedLinear"/> or <see cref="QuantizedConv2d"/>) for the observed input range
    /// and the current weights; <paramref name="path"/> names this layer in the error when no input was observed.
    /// </summary>
    public StaticQuantizedModule ToQuantized(string path = "")
    {
        if (!InputObserver.HasObserved)
            throw new InvalidOperationException($"{(path.Length == 0 ? TypeName : path)}: no input reached this layer, so its input range is unknown; run calibration batches (or training) through the prepared model before converting it.");
        return ToQuantizedWith(InputObserver.CalculateQParams());
    }

    /// <summary>The int8 layer for the given input parameters (a rebuilt checkpoint's placeholders, overwritten by its state dict).</summary>
    internal StaticQuantizedModule ToQuantizedWith(QuantParams input)
    {
        return Layer switch
        {
            Linear l => QuantizedLinear.FromFloat(l, input, Options.PerChannel, Options.ReduceRange, Relu),
            _ => QuantizedConv2d.FromFloat((Conv2d)Layer, input, Options.PerChannel, Options.ReduceRange, Relu),
        };
    }

    private Tensor FakeQuantizeInput(Tensor input)
    {
        var q = InputObserver.CalculateQParams();
        return Quantization.FakeQuantize.PerTensorAffine(input, q.Scales[0], q.ZeroPoints[0], q.QuantMin, q.QuantMax);
    }

    private Tensor FakeQuantizeWeight()
    {
        Observer observer = Options.PerChannel
            ? new PerChannelMinMaxObserver(0, QuantizedType.QInt8, QScheme.PerChannelSymmetric)
            : new MinMaxObserver(QuantizedType.QInt8, QScheme.PerTensorSymmetric);
        observer.Observe(Weight.Detach());
        var q = observer.CalculateQParams();
        return Options.PerChannel
            ? Quantization.FakeQuantize.PerChannelAffine(Weight, q.Scales, q.ZeroPoints, 0, q.QuantMin, q.QuantMax)
            : Quantization.FakeQuantize.PerTensorAffine(Weight, q.Scales[0], q.ZeroPoints[0], q.QuantMin, q.QuantMax);
    }

    private Tensor Convolve(Conv2d conv, Tensor x, Tensor weight)
    {
        if (conv.PaddingMode == "same")
        {
            var extra = new Size2(conv.Dilation.H * (conv.KernelSize.H - 1) % 2, conv.Dilation.W * (conv.KernelSize.W - 1) % 2);
            if (extra.H > 0 || extra.W > 0) x = ConvLayout.PadBottomRight(x, extra);
        }
        return Tensor.Conv2d(x, weight, Bias, conv.Stride, conv.Padding, conv.Dilation, conv.Groups);
    }

    /// <inheritdoc/>
    public override string ExtraRepr() =>
        $"{Layer.TypeName}({Layer.ExtraRepr()}){(Relu ? ", relu=True" : "")}, {(FakeQuantize ? "fake_quant=True" : $"observer={InputObserver.GetType().Name}")}";
}

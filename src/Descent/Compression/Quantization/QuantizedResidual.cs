using Descent.Kernels.Quantized;
using Descent.NN;
using Descent.Tensors;

namespace Descent.Compression.Quantization;

/// <summary>
/// A <see cref="Residual"/> block whose convolutions are int8, run with int8 activations inside: the body's first
/// convolution requantizes its output for the second (NHWC uint8), the shortcut (a 1×1 int8 convolution, or the
/// identity: the block's input dequantized) yields float NHWC rows, and the residual addition with the ReLU after it
/// is fused into the second convolution's epilogue: y = ReLU(acc·x_scale·w_scale + bias + shortcut), requantized to the
/// next int8 layer's input parameters (two scales in, one out) or written as float NCHW at the end of an int8 run.
/// <see cref="Int8Linking"/> puts it in place of a converted Residual; children keep the names "body", "shortcut" and
/// "activation", so the state dict is the Residual's.
/// </summary>
/// <remarks>
/// Deliberate difference from PyTorch (<c>FloatFunctional.add_relu</c> on quantized tensors): the body's output is not
/// rounded to a scale of its own before the addition (it has no observer here); the sum is rounded once. With the
/// identity shortcut the block input is the uint8 tensor dequantized, as in PyTorch.
/// </remarks>
public sealed class QuantizedResidual : Module, IInt8Consumer
{
    private QuantizedResidual(Residual residual, QuantizedConv2d first, QuantizedConv2d second, QuantizedConv2d? projection)
    {
        Body = RegisterModule("body", residual.Body);
        if (residual.Shortcut is not null) Shortcut = RegisterModule("shortcut", residual.Shortcut);
        if (residual.Activation is not null) Activation = RegisterModule("activation", residual.Activation);
        First = first;
        Second = second;
        Projection = projection;
    }

    /// <summary>The residual branch (its int8 convolutions, folded BatchNorm and fused ReLU slots as Identity).</summary>
    public Module Body { get; }

    /// <summary>The projection shortcut, or null for the identity.</summary>
    public Module? Shortcut { get; }

    /// <summary>The activation after the addition (ReLU) or null.</summary>
    public Module? Activation { get; }

    internal QuantizedConv2d First { get; }

    internal QuantizedConv2d Second { get; }

    internal QuantizedConv2d? Projection { get; }

    /// <summary>Set by <see cref="Int8Linking"/>: the block's output is requantized for the next int8 layer.</summary>
    internal Int8Activation? OutputQuantization => OutputConsumer?.InputActivation;

    /// <summary>The int8 layer the block's output is requantized for; null: float output.</summary>
    internal IInt8Consumer? OutputConsumer { get; set; }

    /// <summary>Set by <see cref="Int8Linking"/>: a uint8 NHWC input is quantized with <see cref="InputActivation"/>.</summary>
    internal bool TakesInt8Input
    {
        get => First.TakesInt8Input;
        set
        {
            First.TakesInt8Input = value;
            if (Projection is not null) Projection.TakesInt8Input = value;
        }
    }

    /// <summary>The input parameters of the block (its first convolution's, which the projection shares).</summary>
    internal Int8Activation InputActivation => First.InputActivation;

    Int8Activation IInt8Consumer.InputActivation => InputActivation;

    /// <summary>
    /// The int8 form of <paramref name="residual"/> when its body is [int8 conv, int8 conv] (Identity slots aside),
    /// the shortcut the identity or one int8 1×1-style convolution with the first convolution's input parameters and
    /// no ReLU, and the activation a ReLU or none; else null.
    /// </summary>
    internal static QuantizedResidual? TryCreate(Residual residual)
    {
        if (Layers(residual.Body) is not [QuantizedConv2d first, QuantizedConv2d second] || second.Relu) return null;
        if (residual.Activation is not null && residual.Activation.GetType() != typeof(ReLU)) return null;
        QuantizedConv2d? projection = null;
        if (residual.Shortcut is not null)
        {
            if (Layers(residual.Shortcut) is not [QuantizedConv2d p] || p.Relu || p.InputActivation != first.InputActivation) return null;
            projection = p;
        }
        // The second convolution takes the first's uint8 output.
        first.OutputConsumer = second;
        second.TakesInt8Input = true;
        return new QuantizedResidual(residual, first, second, projection);
    }

    private static List<Module> Layers(Module m) => m switch
    {
        Sequential s => Enumerable.Range(0, s.Count).Select(i => s[i]).Where(l => l is not Identity).ToList(),
        _ => [m],
    };

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var hidden = First.Convolve(input, null, First.Relu, First.OutputQuantization, floatRows: false);
        Tensor skip = Projection is not null
            ? Projection.Convolve(input, null, false, null, floatRows: true)
            : IdentityRows(input);
        bool relu = Activation is not null;
        var output = Second.Convolve(hidden, skip, relu, OutputQuantization, floatRows: false);
        return output.DType == DType.UInt8 || input.DType is DType.Float32 or DType.UInt8 ? output : output.To(input.DType);
    }

    /// <summary>The block input as float NHWC rows [pixels × channels]: dequantized uint8, or float NCHW transposed.</summary>
    private Tensor IdentityRows(Tensor input)
    {
        if (input.Rank is not (3 or 4))
            throw new ArgumentException($"{TypeName}: expected an NCHW/CHW (float) or NHWC/HWC (uint8) input, got {input.Shape}.", nameof(input));
        var rows = Tensor.Empty(new Shape(input.Numel / input.Shape[input.DType == DType.UInt8 ? -1 : input.Rank - 3], input.Shape[input.DType == DType.UInt8 ? -1 : input.Rank - 3]), DType.Float32);
        if (input.DType == DType.UInt8)
        {
            var a = InputActivation;
            QuantizeKernels.Dequantize(input.Span<byte>(), a.Scale, a.ZeroPoint, rows.Span<float>());
            return rows;
        }
        var x = input.DType == DType.Float32 ? input : input.To(DType.Float32);
        int images = input.Rank == 4 ? input.Shape[0] : 1, channels = input.Shape[-3], pixels = input.Shape[-2] * input.Shape[-1];
        var source = x.Span<float>();
        var target = rows.Span<float>();
        for (int i = 0; i < images; i++)
            for (int c = 0; c < channels; c++)
                for (int p = 0; p < pixels; p++)
                    target[(i * pixels + p) * channels + c] = source[(i * channels + c) * pixels + p];
        return rows;
    }

    /// <inheritdoc/>
    protected override void OnReplacingChild(string name, Module replacement) =>
        throw new NotSupportedException($"{TypeName} runs its int8 convolutions directly; replace the whole block instead of its child '{name}'.");
}

namespace Descent.Compression.Quantization;

/// <summary>
/// How a uint8 activation between two linked int8 layers is quantized: x ≈ (q − ZeroPoint) · Scale with q in
/// [0, QuantMax] (127 with reduce_range, else 255).
/// </summary>
internal readonly record struct Int8Activation(float Scale, int ZeroPoint, int QuantMax);

/// <summary>
/// An int8 layer that can take a uint8 input: a linked producer reads the consumer's input parameters through this at
/// every forward (not a copy made when linking), so loading a state dict into a linked model needs no relinking.
/// </summary>
internal interface IInt8Consumer
{
    Int8Activation InputActivation { get; }
}

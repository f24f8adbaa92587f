namespace Descent.Compression.Quantization;

/// <summary>
/// How a uint8 activation between two linked int8 layers is quantized: x ≈ (q − ZeroPoint) · Scale with q in
/// [0, QuantMax] (127 with reduce_range, else 255).
/// </summary>
internal readonly record struct Int8Activation(float Scale, int ZeroPoint, int QuantMax);

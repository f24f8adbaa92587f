namespace Descent.Compression.Quantization;

/// <summary>The integer type of a quantized tensor (PyTorch's torch.quint8 and torch.qint8).</summary>
public enum QuantizedType
{
    /// <summary>Unsigned 8-bit, range [0, 255] (activations).</summary>
    QUInt8,
    /// <summary>Signed 8-bit, range [−128, 127] (weights).</summary>
    QInt8,
}

/// <summary>Ranges and names of <see cref="QuantizedType"/>.</summary>
public static class QuantizedTypeExtensions
{
    /// <summary>
    /// The integer range the type uses: [0, 255] / [−128, 127], or with <paramref name="reduceRange"/> one bit less,
    /// [0, 127] / [−64, 63] (PyTorch's reduce_range, for kernels whose u8·s8 pair sums would saturate int16).
    /// </summary>
    public static (int QuantMin, int QuantMax) Range(this QuantizedType type, bool reduceRange = false) => (type, reduceRange) switch
    {
        (QuantizedType.QUInt8, false) => (0, 255),
        (QuantizedType.QUInt8, true) => (0, 127),
        (QuantizedType.QInt8, false) => (-128, 127),
        (QuantizedType.QInt8, true) => (-64, 63),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    /// <summary>PyTorch's name: quint8 or qint8.</summary>
    public static string TorchName(this QuantizedType type) => type == QuantizedType.QUInt8 ? "quint8" : "qint8";

    /// <summary>Parses PyTorch's name (quint8, qint8).</summary>
    public static QuantizedType Parse(string name) => name switch
    {
        "quint8" => QuantizedType.QUInt8,
        "qint8" => QuantizedType.QInt8,
        _ => throw new ArgumentException($"Unknown quantized dtype '{name}' (expected quint8 or qint8).", nameof(name)),
    };
}

namespace Descent.Tensors;

/// <summary>Element type of a tensor. Float32 is the default; every op supports Float32 and Float64.</summary>
/// <remarks>Int64 (indices, class targets, counters), Bool (masks), Int8 and UInt8 (quantized weights and activations,
/// see docs/quantization.md) are storage types with the creation, indexing, comparison and conversion ops only, as in
/// PyTorch where they are not differentiable.</remarks>
public enum DType
{
    /// <summary>32-bit IEEE float (the default).</summary>
    Float32,
    /// <summary>64-bit IEEE float.</summary>
    Float64,
    /// <summary>64-bit signed integer (indices, targets).</summary>
    Int64,
    /// <summary>Boolean mask.</summary>
    Bool,
    /// <summary>8-bit signed integer (quantized weights: PyTorch's int8 / the integer representation of qint8).</summary>
    Int8,
    /// <summary>8-bit unsigned integer (quantized activations: PyTorch's uint8 / the integer representation of quint8).</summary>
    UInt8,
}

/// <summary>Helpers for <see cref="DType"/>.</summary>
public static class DTypeExtensions
{
    /// <summary>Size of one element in bytes.</summary>
    public static int ElementSize(this DType dtype) => dtype switch
    {
        DType.Float32 => 4,
        DType.Float64 => 8,
        DType.Int64 => 8,
        DType.Bool => 1,
        DType.Int8 => 1,
        DType.UInt8 => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, null),
    };

    /// <summary>True for Float32 and Float64.</summary>
    public static bool IsFloatingPoint(this DType dtype) => dtype is DType.Float32 or DType.Float64;

    /// <summary>PyTorch's name: float32, float64, int64, bool, int8, uint8.</summary>
    public static string TorchName(this DType dtype) => dtype switch
    {
        DType.Float32 => "float32",
        DType.Float64 => "float64",
        DType.Int64 => "int64",
        DType.Bool => "bool",
        DType.Int8 => "int8",
        DType.UInt8 => "uint8",
        _ => dtype.ToString(),
    };

    /// <summary>The DType whose elements are <typeparamref name="T"/>.</summary>
    public static DType Of<T>() where T : unmanaged =>
        typeof(T) == typeof(float) ? DType.Float32 :
        typeof(T) == typeof(double) ? DType.Float64 :
        typeof(T) == typeof(long) ? DType.Int64 :
        typeof(T) == typeof(bool) ? DType.Bool :
        typeof(T) == typeof(sbyte) ? DType.Int8 :
        typeof(T) == typeof(byte) ? DType.UInt8 :
        throw new NotSupportedException($"No tensor dtype for element type {typeof(T).Name}.");

    /// <summary>True for the integer storage types Int64, Int8 and UInt8.</summary>
    public static bool IsInteger(this DType dtype) => dtype is DType.Int64 or DType.Int8 or DType.UInt8;

    /// <summary>PyTorch's type promotion for two operands of a binary op (float64 wins over float32).</summary>
    public static DType Promote(DType a, DType b)
    {
        if (a == b) return a;
        if (a == DType.Float64 || b == DType.Float64) return DType.Float64;
        if (a == DType.Float32 || b == DType.Float32) return DType.Float32;
        if (a == DType.Int64 || b == DType.Int64) return DType.Int64;
        if (a == DType.Bool) return b;
        if (b == DType.Bool) return a;
        // int8 with uint8: PyTorch promotes to int16, which Descent does not have; int64 holds both ranges too.
        return DType.Int64;
    }
}

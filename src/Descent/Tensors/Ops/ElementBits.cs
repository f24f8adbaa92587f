using System.Runtime.InteropServices;

namespace Descent.Tensors;

/// <summary>Helpers shared by the data-movement ops (permute, index_select, gather, cat, stack).</summary>
public sealed partial class Tensor
{
    /// <summary>
    /// The elements reinterpreted as same-size integers (bool/int8/uint8 → byte, float32 → int, float64/int64 → long), so a
    /// pure data-movement kernel is compiled once per element size instead of once per dtype.
    /// </summary>
    internal Span<TBits> Bits<TBits>() where TBits : unmanaged => DType switch
    {
        DType.Float32 => MemoryMarshal.Cast<float, TBits>(Span<float>()),
        DType.Float64 => MemoryMarshal.Cast<double, TBits>(Span<double>()),
        DType.Int64 => MemoryMarshal.Cast<long, TBits>(Span<long>()),
        DType.Bool => MemoryMarshal.Cast<bool, TBits>(Span<bool>()),
        DType.Int8 => MemoryMarshal.Cast<sbyte, TBits>(Span<sbyte>()),
        DType.UInt8 => MemoryMarshal.Cast<byte, TBits>(Span<byte>()),
        _ => throw new DescentInternalException($"Unsupported dtype {DType}."),
    };

    /// <summary>Throws unless <paramref name="index"/> is an int64 tensor, naming the op.</summary>
    internal static void RequireIndex(Tensor index, string op, string what = "index")
    {
        if (index.DType != DType.Int64)
            throw new ArgumentException($"{op}: {what} must be an int64 tensor, got {index.DType.TorchName()} {index.Shape}.");
    }

    /// <summary>Flat position <paramref name="flat"/> of <paramref name="shape"/> as text: "3" for 0/1-D, "[1, 0]" otherwise.</summary>
    internal static string FormatPosition(int flat, Shape shape)
    {
        if (shape.Rank <= 1) return flat.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var coords = new int[shape.Rank];
        for (int d = shape.Rank - 1; d >= 0; d--)
        {
            coords[d] = flat % shape.Dims[d];
            flat /= shape.Dims[d];
        }
        return Shape.Format(coords);
    }

    /// <summary>Product of <paramref name="shape"/>'s sizes over dims [<paramref name="from"/>, <paramref name="to"/>).</summary>
    internal static int SizeProduct(Shape shape, int from, int to)
    {
        int p = 1;
        for (int d = from; d < to; d++) p *= shape.Dims[d];
        return p;
    }
}

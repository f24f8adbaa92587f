using System.Buffers.Binary;
using System.IO.Compression;
using System.Numerics;
using Descent.Tensors;

namespace Descent.Data;

/// <summary>Element type code of an IDX file (third byte of the magic number; LeCun's MNIST format).</summary>
public enum IdxDataType : byte
{
    /// <summary>Unsigned byte (MNIST pixels and labels).</summary>
    UInt8 = 0x08,
    /// <summary>Signed byte.</summary>
    Int8 = 0x09,
    /// <summary>Big-endian 16-bit integer.</summary>
    Int16 = 0x0B,
    /// <summary>Big-endian 32-bit integer.</summary>
    Int32 = 0x0C,
    /// <summary>Big-endian 32-bit float.</summary>
    Float32 = 0x0D,
    /// <summary>Big-endian 64-bit float.</summary>
    Float64 = 0x0E,
}

/// <summary>
/// The contents of an IDX file: element type, dimensions and the raw (big-endian) payload. Read with
/// <see cref="IdxReader"/>, written with <see cref="Write(string)"/>. Magic number = 0x0000, type code, rank.
/// </summary>
public sealed class IdxFile
{
    /// <summary>Magic number of MNIST-style label files (unsigned bytes, 1 dimension).</summary>
    public const int LabelsMagic = 0x00000801;

    /// <summary>Magic number of MNIST-style image files (unsigned bytes, 3 dimensions: count × rows × columns).</summary>
    public const int ImagesMagic = 0x00000803;

    private readonly int[] _dims;

    /// <summary>An IDX file of <paramref name="dataType"/> elements with <paramref name="dims"/> over <paramref name="data"/> (not copied).</summary>
    public IdxFile(IdxDataType dataType, int[] dims, byte[] data)
    {
        ArgumentNullException.ThrowIfNull(dims);
        ArgumentNullException.ThrowIfNull(data);
        if (!Enum.IsDefined(dataType))
            throw new ArgumentOutOfRangeException(nameof(dataType), dataType, "IdxFile: unknown IDX type code.");
        if (dims.Length is < 1 or > 255)
            throw new ArgumentException($"IdxFile: an IDX file has 1 to 255 dimensions, got {dims.Length}.", nameof(dims));
        long count = 1;
        foreach (int d in dims)
        {
            if (d < 0) throw new ArgumentException($"IdxFile: negative dimension {d}.", nameof(dims));
            count *= d;
        }
        if (count * ElementSize(dataType) != data.Length)
            throw new ArgumentException(
                $"IdxFile: dimensions {FormatDims(dims)} of {dataType} need {count * ElementSize(dataType)} bytes, got {data.Length}.", nameof(data));
        DataType = dataType;
        _dims = (int[])dims.Clone();
        Data = data;
    }

    /// <summary>Element type.</summary>
    public IdxDataType DataType { get; }

    /// <summary>Dimension sizes (e.g. [10000, 28, 28]).</summary>
    public IReadOnlyList<int> Dims => _dims;

    /// <summary>The payload as stored: big-endian elements in row-major order.</summary>
    public byte[] Data { get; }

    /// <summary>The magic number: 0x0000, the type code, the number of dimensions.</summary>
    public int Magic => ((int)DataType << 8) | _dims.Length;

    /// <summary>Number of elements.</summary>
    public long Count => Data.Length / ElementSize(DataType);

    /// <summary>An unsigned-byte IDX file (e.g. images or labels) from <paramref name="data"/> (copied).</summary>
    public static IdxFile FromBytes(ReadOnlySpan<byte> data, params int[] dims) => new(IdxDataType.UInt8, dims, data.ToArray());

    /// <summary>
    /// The elements as a tensor of <paramref name="dtype"/> with this file's dimensions, each divided by
    /// <paramref name="divideBy"/> in the target precision (255 gives pixels in [0, 1] exactly as torchvision's
    /// <c>ToTensor</c>: <c>img.float().div(255)</c>).
    /// </summary>
    public Tensor ToTensor(DType dtype = DType.Float32, double divideBy = 1)
    {
        if (!(divideBy != 0) || double.IsNaN(divideBy))
            throw new ArgumentOutOfRangeException(nameof(divideBy), divideBy, "IdxFile.ToTensor: divisor must be non-zero.");
        var t = Tensor.Zeros(new Shape(_dims), dtype);
        switch (dtype)
        {
            case DType.Float32: Convert<float>(t.Span<float>(), divideBy); break;
            case DType.Float64: Convert<double>(t.Span<double>(), divideBy); break;
            case DType.Int64:
                if (divideBy != 1)
                    throw new ArgumentException("IdxFile.ToTensor: dividing needs a float dtype.", nameof(divideBy));
                var l = t.Span<long>();
                for (int i = 0; i < l.Length; i++) l[i] = (long)ValueAt(i);
                break;
            default:
                throw new ArgumentException($"IdxFile.ToTensor: unsupported dtype {dtype.TorchName()}.", nameof(dtype));
        }
        return t;
    }

    private void Convert<T>(Span<T> dst, double divideBy) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T divisor = T.CreateTruncating(divideBy);
        if (DataType == IdxDataType.UInt8)
        {
            // 256-entry table: one division per possible byte instead of one per element.
            Span<T> table = stackalloc T[256];
            for (int v = 0; v < 256; v++) table[v] = T.CreateTruncating(v) / divisor;
            for (int i = 0; i < dst.Length; i++) dst[i] = table[Data[i]];
            return;
        }
        for (int i = 0; i < dst.Length; i++) dst[i] = T.CreateTruncating(ValueAt(i)) / divisor;
    }

    /// <summary>Element <paramref name="i"/> (flat, row-major) as a double.</summary>
    public double ValueAt(int i) => DataType switch
    {
        IdxDataType.UInt8 => Data[i],
        IdxDataType.Int8 => (sbyte)Data[i],
        IdxDataType.Int16 => BinaryPrimitives.ReadInt16BigEndian(Data.AsSpan(2 * i)),
        IdxDataType.Int32 => BinaryPrimitives.ReadInt32BigEndian(Data.AsSpan(4 * i)),
        IdxDataType.Float32 => BinaryPrimitives.ReadSingleBigEndian(Data.AsSpan(4 * i)),
        _ => BinaryPrimitives.ReadDoubleBigEndian(Data.AsSpan(8 * i)),
    };

    /// <summary>Writes the file to <paramref name="path"/>, gzip-compressed when the name ends in <c>.gz</c>.</summary>
    public void Write(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var file = File.Create(path);
        if (path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
        {
            using var gz = new GZipStream(file, CompressionLevel.SmallestSize);
            Write(gz);
        }
        else
        {
            Write(file);
        }
    }

    /// <summary>Writes the header and payload to <paramref name="stream"/>.</summary>
    public void Write(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, Magic);
        stream.Write(word);
        foreach (int d in _dims)
        {
            BinaryPrimitives.WriteInt32BigEndian(word, d);
            stream.Write(word);
        }
        stream.Write(Data);
    }

    /// <summary>Bytes per element of <paramref name="type"/>.</summary>
    public static int ElementSize(IdxDataType type) => type switch
    {
        IdxDataType.UInt8 or IdxDataType.Int8 => 1,
        IdxDataType.Int16 => 2,
        IdxDataType.Int32 or IdxDataType.Float32 => 4,
        IdxDataType.Float64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown IDX type code."),
    };

    /// <summary>Dimensions as <c>10000×28×28</c>.</summary>
    internal static string FormatDims(IReadOnlyList<int> dims) => string.Join("×", dims);
}

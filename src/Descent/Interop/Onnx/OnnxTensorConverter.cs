using System.Buffers.Binary;
using Descent.Interop.Onnx.Protobuf;
using Descent.Tensors;
using Google.Protobuf;

namespace Descent.Interop.Onnx;

/// <summary>
/// ONNX <c>TensorProto</c> ↔ Descent tensors. Reads float32/float64 (and float16/bfloat16, widened to float32),
/// int64/int32 (as int64) and bool, from raw little-endian bytes or the typed fields (onnx.proto §TensorProto);
/// writes raw bytes, as PyTorch's exporter does.
/// </summary>
internal static class OnnxTensorConverter
{
    public static Tensor ToTensor(TensorProto proto, string where)
    {
        if (proto.DataLocation == TensorProto.Types.DataLocation.External)
            throw new OnnxImportException($"{where}: tensor '{proto.Name}' keeps its data in an external file, which is not supported.");
        var dims = proto.Dims.Select(d => checked((int)d)).ToArray();
        var shape = new Shape(dims);
        int n = shape.Numel;
        var raw = proto.RawData.Span;
        var type = (TensorProto.Types.DataType)proto.DataType;
        switch (type)
        {
            case TensorProto.Types.DataType.Float:
            {
                var data = raw.Length > 0 ? ReadRaw(raw, n, 4, where, proto.Name, (s) => BinaryPrimitives.ReadSingleLittleEndian(s)) : [.. proto.FloatData];
                return FromData(data, dims, n, where, proto.Name);
            }
            case TensorProto.Types.DataType.Float16:
            case TensorProto.Types.DataType.Bfloat16:
            {
                bool bf = type == TensorProto.Types.DataType.Bfloat16;
                float Half(ushort bits) => bf ? BitConverter.Int32BitsToSingle(bits << 16) : (float)BitConverter.UInt16BitsToHalf(bits);
                var data = raw.Length > 0
                    ? ReadRaw(raw, n, 2, where, proto.Name, s => Half(BinaryPrimitives.ReadUInt16LittleEndian(s)))
                    : [.. proto.Int32Data.Select(v => Half((ushort)v))];
                return FromData(data, dims, n, where, proto.Name);
            }
            case TensorProto.Types.DataType.Double:
            {
                var data = raw.Length > 0 ? ReadRaw(raw, n, 8, where, proto.Name, s => BinaryPrimitives.ReadDoubleLittleEndian(s)) : [.. proto.DoubleData];
                return FromData(data, dims, n, where, proto.Name);
            }
            case TensorProto.Types.DataType.Int64:
            {
                var data = raw.Length > 0 ? ReadRaw(raw, n, 8, where, proto.Name, s => BinaryPrimitives.ReadInt64LittleEndian(s)) : [.. proto.Int64Data];
                return FromData(data, dims, n, where, proto.Name);
            }
            case TensorProto.Types.DataType.Int32:
            {
                var data = raw.Length > 0 ? ReadRaw(raw, n, 4, where, proto.Name, s => (long)BinaryPrimitives.ReadInt32LittleEndian(s)) : [.. proto.Int32Data.Select(v => (long)v)];
                return FromData(data, dims, n, where, proto.Name);
            }
            case TensorProto.Types.DataType.Bool:
            {
                var data = raw.Length > 0 ? ReadRaw(raw, n, 1, where, proto.Name, s => s[0] != 0) : [.. proto.Int32Data.Select(v => v != 0)];
                return FromData(data, dims, n, where, proto.Name);
            }
            default:
                throw new OnnxImportException($"{where}: tensor '{proto.Name}' has ONNX data type {type}, which is not supported (float, double, float16, bfloat16, int64, int32, bool).");
        }
    }

    /// <summary>The ONNX element type of a Descent dtype (Bool, Int64, Float32, Float64).</summary>
    public static TensorProto.Types.DataType ElementType(DType dtype) => dtype switch
    {
        DType.Float32 => TensorProto.Types.DataType.Float,
        DType.Float64 => TensorProto.Types.DataType.Double,
        DType.Int64 => TensorProto.Types.DataType.Int64,
        DType.Bool => TensorProto.Types.DataType.Bool,
        _ => throw new OnnxExportException($"ONNX export: dtype {dtype} has no ONNX element type here."),
    };

    /// <summary>The Descent dtype of ONNX element type <paramref name="elemType"/>, or null when it has none.</summary>
    public static DType? DTypeOf(int elemType) => (TensorProto.Types.DataType)elemType switch
    {
        TensorProto.Types.DataType.Float or TensorProto.Types.DataType.Float16 or TensorProto.Types.DataType.Bfloat16 => DType.Float32,
        TensorProto.Types.DataType.Double => DType.Float64,
        TensorProto.Types.DataType.Int64 or TensorProto.Types.DataType.Int32 => DType.Int64,
        TensorProto.Types.DataType.Bool => DType.Bool,
        _ => null,
    };

    /// <summary><paramref name="tensor"/> as a TensorProto named <paramref name="name"/> (raw little-endian data).</summary>
    public static TensorProto FromTensor(Tensor tensor, string name)
    {
        var proto = new TensorProto { Name = name, DataType = (int)ElementType(tensor.DType) };
        proto.Dims.AddRange(tensor.Shape.ToArray().Select(d => (long)d));
        var c = tensor.Contiguous();
        byte[] bytes = tensor.DType switch
        {
            DType.Float32 => Bytes(c.ToArray<float>(), 4, (s, v) => BinaryPrimitives.WriteSingleLittleEndian(s, v)),
            DType.Float64 => Bytes(c.ToArray<double>(), 8, (s, v) => BinaryPrimitives.WriteDoubleLittleEndian(s, v)),
            DType.Int64 => Bytes(c.ToArray<long>(), 8, (s, v) => BinaryPrimitives.WriteInt64LittleEndian(s, v)),
            _ => Bytes(c.ToArray<bool>(), 1, (s, v) => s[0] = v ? (byte)1 : (byte)0),
        };
        proto.RawData = ByteString.CopyFrom(bytes);
        return proto;
    }

    private delegate T Reader<out T>(ReadOnlySpan<byte> bytes);

    private static T[] ReadRaw<T>(ReadOnlySpan<byte> raw, int n, int size, string where, string name, Reader<T> read)
    {
        if (raw.Length != (long)n * size)
            throw new OnnxImportException($"{where}: tensor '{name}' has {raw.Length} bytes of raw data; its shape needs {(long)n * size}.");
        var data = new T[n];
        for (int i = 0; i < n; i++) data[i] = read(raw.Slice(i * size, size));
        return data;
    }

    private static Tensor FromData<T>(T[] data, int[] dims, int n, string where, string name) where T : unmanaged
    {
        if (data.Length != n)
            throw new OnnxImportException($"{where}: tensor '{name}' has {data.Length} values; its shape [{string.Join(", ", dims)}] needs {n}.");
        return Tensor.FromSpan<T>(data, dims);
    }

    private static byte[] Bytes<T>(T[] values, int size, Action<Span<byte>, T> write)
    {
        var bytes = new byte[values.Length * size];
        for (int i = 0; i < values.Length; i++) write(bytes.AsSpan(i * size, size), values[i]);
        return bytes;
    }
}

using System.Buffers.Binary;
using System.Text;
using Descent.Serialization;
using Descent.Tensors;

namespace Descent.Tests.Serialization;

public sealed class SafeTensorsTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "descent-st-" + Guid.NewGuid().ToString("N"));

    public SafeTensorsTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static NamedTensors Sample()
    {
        var t = new NamedTensors();
        t.Add("layer.weight", Tensor.FromArray([1.5f, -2f, 3.25f, 0f, float.MaxValue, -0f], 2, 3));
        t.Add("layer.bias", Tensor.FromArray([Math.PI, -1e-300, double.Epsilon], 3));
        t.Add("bn.num_batches_tracked", Tensor.FromSpan<long>([long.MinValue + 1], []));
        t.Add("mask", Tensor.FromArray([true, false, true], 3));
        t.Add("empty", Tensor.Zeros(new Shape(0, 4)));
        return t;
    }

    [Fact]
    public void RoundTripPreservesNamesOrderDtypesShapesBitsAndMetadata()
    {
        var path = Path.Combine(_dir, "a.safetensors");
        var src = Sample();
        SafeTensors.Save(path, src, new Dictionary<string, string> { ["epoch"] = "3", ["note"] = "ünïcode \"quoted\"" });
        var back = SafeTensors.Load(path);
        Assert.Equal(src.Names, back.Names);
        foreach (var name in src.Names)
        {
            Assert.Equal(src[name].DType, back[name].DType);
            Assert.Equal(src[name].Shape, back[name].Shape);
            Assert.Equal(src[name].ToDoubleArray(), back[name].ToDoubleArray());
        }
        Assert.Equal(BitConverter.SingleToInt32Bits(-0f), BitConverter.SingleToInt32Bits(back["layer.weight"].Span<float>()[5]));
        Assert.Equal("3", back.Metadata["epoch"]);
        Assert.Equal("ünïcode \"quoted\"", back.Metadata["note"]);
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp"));
    }

    [Fact]
    public void LayoutFollowsTheSpecification()
    {
        var t = new NamedTensors();
        t.Add("x", Tensor.FromArray([1f, 2f], 2));
        var bytes = SafeTensors.Serialize(t);
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0UL, (8 + n) % 8);
        var header = Encoding.UTF8.GetString(bytes, 8, (int)n).TrimEnd(' ');
        Assert.Equal("{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", header);
        Assert.Equal(8 + (int)n + 8, bytes.Length);
        Assert.Equal(1f, BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(8 + (int)n)));
        Assert.Equal(2f, BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(12 + (int)n)));
    }

    /// <summary>A file assembled by hand from the format description (the way other writers produce it).</summary>
    private static byte[] Handmade(string header, byte[] data)
    {
        var h = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + h.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)h.Length);
        h.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + h.Length);
        return bytes;
    }

    [Fact]
    public void ReadsForeignFilesInOffsetOrder()
    {
        var data = new byte[8 + 8];
        BinaryPrimitives.WriteInt64LittleEndian(data, 42);
        BinaryPrimitives.WriteDoubleLittleEndian(data.AsSpan(8), -0.5);
        // Keys deliberately not in offset order, metadata last, no padding.
        var bytes = Handmade("{\"b\":{\"dtype\":\"F64\",\"shape\":[],\"data_offsets\":[8,16]}," +
                             "\"a\":{\"dtype\":\"I64\",\"shape\":[1,1],\"data_offsets\":[0,8]},\"__metadata__\":{\"format\":\"pt\"}}", data);
        var t = SafeTensors.Deserialize(bytes);
        Assert.Equal(["a", "b"], t.Names);
        Assert.Equal(42, t["a"][0, 0]);
        Assert.Equal(Shape.Scalar, t["b"].Shape);
        Assert.Equal(-0.5, t["b"].Item());
        Assert.Equal("pt", t.Metadata["format"]);
    }

    [Fact]
    public void EveryTruncationIsRejectedWithTheFileName()
    {
        var path = Path.Combine(_dir, "full.safetensors");
        SafeTensors.Save(path, Sample());
        var bytes = File.ReadAllBytes(path);
        var cut = Path.Combine(_dir, "cut.safetensors");
        for (int len = 0; len < bytes.Length; len++)
        {
            File.WriteAllBytes(cut, bytes[..len]);
            var e = Assert.Throws<SafeTensorsFormatException>(() => SafeTensors.Load(cut));
            Assert.Contains("cut.safetensors", e.Message);
        }
    }

    public static TheoryData<string, string, int, string> CorruptHeaders => new()
    {
        { "not json", "{\"a\":", 0, "not valid JSON" },
        { "array root", "[1,2]", 0, "must be a JSON object" },
        { "unknown dtype", "{\"a\":{\"dtype\":\"U16\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4, "dtype U16 is not supported" },
        { "missing shape", "{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", 4, "\"shape\"" },
        { "negative dim", "{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4, "shape entry 0" },
        { "size mismatch", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4, "needs 8" },
        { "gap", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8, "gap" },
        { "overlap", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8, "overlaps" },
        { "trailing bytes", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 8, "trailing" },
        { "past end", "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 8, "truncated" },
        { "duplicate", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8, "twice" },
        { "bad metadata", "{\"__metadata__\":{\"k\":1}}", 0, "must be a string" },
        { "bad bool", "{\"m\":{\"dtype\":\"BOOL\",\"shape\":[2],\"data_offsets\":[0,2]}}", -2, "byte value 2" },
    };

    [Theory]
    [MemberData(nameof(CorruptHeaders))]
    public void CorruptFilesAreRejectedWithAClearMessage(string name, string header, int dataBytes, string expected)
    {
        _ = name;
        var data = dataBytes >= 0 ? new byte[dataBytes] : [1, 2];
        var e = Assert.Throws<SafeTensorsFormatException>(() => SafeTensors.Deserialize(Handmade(header, data), "model.bin"));
        Assert.Contains("'model.bin'", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void HugeHeaderLengthIsRejectedWithoutAllocating()
    {
        var bytes = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, ulong.MaxValue);
        var e = Assert.Throws<SafeTensorsFormatException>(() => SafeTensors.Deserialize(bytes, "x"));
        Assert.Contains("limit", e.Message);
    }

    [Fact]
    public void FailedWriteLeavesTheOldFileAndNoTemporaryFile()
    {
        var path = Path.Combine(_dir, "keep.bin");
        AtomicFile.WriteAllBytes(path, [1, 2, 3]);
        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, s =>
        {
            s.Write([9, 9, 9, 9]);
            throw new InvalidOperationException("disk on fire");
        }));
        Assert.Equal([1, 2, 3], File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(_dir));
    }

    [Fact]
    public void SaveOverwritesAtomically()
    {
        var path = Path.Combine(_dir, "m.safetensors");
        var a = new NamedTensors();
        a.Add("w", Tensor.FromArray([1.0], 1));
        Checkpoint.Save(path, a);
        var b = new NamedTensors();
        b.Add("w", Tensor.FromArray([2.0, 3.0], 2));
        Checkpoint.Save(path, b, new Dictionary<string, string> { ["step"] = "7" });
        var back = Checkpoint.Load(path);
        Assert.Equal([2.0, 3.0], back["w"].ToDoubleArray());
        Assert.Equal("descent", back.Metadata[Checkpoint.FormatKey]);
        Assert.Equal("7", back.Metadata["step"]);
        Assert.Single(Directory.GetFiles(_dir));
    }

    [Fact]
    public void InvalidNamesAreRejectedOnSave()
    {
        var t = new List<KeyValuePair<string, Tensor>> { new("__metadata__", Tensor.Zeros(1)) };
        Assert.Throws<ArgumentException>(() => SafeTensors.Serialize(t));
        var dup = new List<KeyValuePair<string, Tensor>> { new("a", Tensor.Zeros(1)), new("a", Tensor.Zeros(1)) };
        Assert.Throws<ArgumentException>(() => SafeTensors.Serialize(dup));
    }

    [Fact]
    public void MissingFileNamesThePath()
    {
        var e = Assert.Throws<FileNotFoundException>(() => SafeTensors.Load(Path.Combine(_dir, "nope.safetensors")));
        Assert.Contains("nope.safetensors", e.Message);
    }
}

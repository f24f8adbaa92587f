using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Descent.Tensors;

namespace Descent.Serialization;

/// <summary>
/// Reader and writer of the safetensors format (Hugging Face): an 8-byte little-endian header length N,
/// N bytes of UTF-8 JSON mapping each name to <c>{"dtype", "shape", "data_offsets": [begin, end]}</c> (offsets
/// relative to the data section) plus an optional <c>"__metadata__"</c> object of strings, then the raw
/// little-endian, row-major tensor bytes. Supported dtypes: F32, F64, I64, BOOL, I8, U8, and F16/BF16 (read as Float32;
/// written from float tensors with <see cref="FloatStorage"/>).
/// Reading validates the whole file before creating any tensor, so a bad file never loads partially.
/// </summary>
public static class SafeTensors
{
    /// <summary>Largest header accepted (the reference implementation's limit), guarding against garbage lengths.</summary>
    public const long MaxHeaderBytes = 100_000_000;

    private const string MetadataKey = "__metadata__";

    /// <summary>Writes <paramref name="tensors"/> (in order) and <paramref name="metadata"/> to <paramref name="path"/> atomically.</summary>
    public static void Save(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors,
        IReadOnlyDictionary<string, string>? metadata = null, FloatStorage floatStorage = FloatStorage.Native)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var list = tensors.ToList();
        var header = BuildHeader(list, metadata, floatStorage);
        AtomicFile.Write(path, stream => WriteBody(stream, header, list, floatStorage));
    }

    /// <summary>Serializes to a byte array (same layout as <see cref="Save"/>).</summary>
    public static byte[] Serialize(IEnumerable<KeyValuePair<string, Tensor>> tensors,
        IReadOnlyDictionary<string, string>? metadata = null, FloatStorage floatStorage = FloatStorage.Native)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var list = tensors.ToList();
        var header = BuildHeader(list, metadata, floatStorage);
        using var ms = new MemoryStream();
        WriteBody(ms, header, list, floatStorage);
        return ms.ToArray();
    }

    /// <summary>Reads a safetensors file; throws <see cref="SafeTensorsFormatException"/> naming the file and the problem.</summary>
    public static NamedTensors Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
            throw new FileNotFoundException($"safetensors file '{path}' does not exist.", path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return Read(stream, path);
    }

    /// <summary>Reads safetensors bytes; <paramref name="sourceName"/> names the source in error messages.</summary>
    public static NamedTensors Deserialize(byte[] bytes, string sourceName = "<memory>")
    {
        ArgumentNullException.ThrowIfNull(bytes);
        using var ms = new MemoryStream(bytes, writable: false);
        return Read(ms, sourceName);
    }

    /// <summary>Reads from a seekable stream positioned at the start of the safetensors content.</summary>
    public static NamedTensors Read(Stream stream, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        long total = stream.Length - stream.Position;
        if (total < 8)
            throw Fail(sourceName, $"truncated: {total} bytes, but a safetensors file starts with an 8-byte header length");
        Span<byte> lengthBytes = stackalloc byte[8];
        ReadExactly(stream, lengthBytes, sourceName, "header length");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength > MaxHeaderBytes)
            throw Fail(sourceName, $"header length {headerLength} is larger than the {MaxHeaderBytes}-byte limit (not a safetensors file?)");
        if ((long)headerLength > total - 8)
            throw Fail(sourceName, $"truncated: the header needs {headerLength} bytes but only {total - 8} follow the length field");
        var headerBytes = new byte[headerLength];
        ReadExactly(stream, headerBytes, sourceName, "header");
        long dataLength = total - 8 - (long)headerLength;

        var entries = ParseHeader(headerBytes, sourceName, out var metadata);
        ValidateLayout(entries, dataLength, sourceName);

        // Everything is consistent: now allocate (long-lived, never pooled) and fill.
        var result = new NamedTensors();
        foreach (var (k, v) in metadata) result.Metadata[k] = v;
        using (StepScope.Suspend())
        {
            var tensors = new List<(Entry Entry, Tensor Tensor)>(entries.Count);
            foreach (var e in entries.OrderBy(e => e.Begin))
            {
                var t = Tensor.Empty(new Shape(e.Shape), e.DType);
                ReadTensor(stream, t, e, sourceName);
                tensors.Add((e, t));
            }
            foreach (var (e, t) in tensors) result.Add(e.Name, t);
        }
        return result;
    }

    /// <summary>A header entry; <paramref name="Stored"/> is "F16" or "BF16" for 16-bit floats read into Float32, else null.</summary>
    private sealed record Entry(string Name, DType DType, int[] Shape, long Begin, long End, string? Stored = null);

    private static List<Entry> ParseHeader(byte[] header, string source, out Dictionary<string, string> metadata)
    {
        metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(header, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            throw Fail(source, $"the header is not valid JSON ({e.Message})", e);
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw Fail(source, $"the header must be a JSON object, found {doc.RootElement.ValueKind}");
            var entries = new List<Entry>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var prop in doc.RootElement.EnumerateObject())
            {
                if (!seen.Add(prop.Name))
                    throw Fail(source, $"the header names '{prop.Name}' twice");
                if (prop.Name == MetadataKey)
                {
                    if (prop.Value.ValueKind != JsonValueKind.Object)
                        throw Fail(source, "__metadata__ must be an object of strings");
                    foreach (var m in prop.Value.EnumerateObject())
                    {
                        if (m.Value.ValueKind != JsonValueKind.String)
                            throw Fail(source, $"__metadata__ value '{m.Name}' must be a string, found {m.Value.ValueKind}");
                        metadata[m.Name] = m.Value.GetString()!;
                    }
                    continue;
                }
                entries.Add(ParseEntry(prop, source));
            }
            return entries;
        }
    }

    private static Entry ParseEntry(JsonProperty prop, string source)
    {
        var name = prop.Name;
        var v = prop.Value;
        if (v.ValueKind != JsonValueKind.Object)
            throw Fail(source, $"tensor '{name}': expected an object with dtype, shape and data_offsets");
        if (!v.TryGetProperty("dtype", out var dtypeEl) || dtypeEl.ValueKind != JsonValueKind.String)
            throw Fail(source, $"tensor '{name}': missing or non-string \"dtype\"");
        var dtypeName = dtypeEl.GetString()!;
        DType dtype = dtypeName switch
        {
            "F32" or "F16" or "BF16" => DType.Float32,
            "F64" => DType.Float64,
            "I64" => DType.Int64,
            "BOOL" => DType.Bool,
            "I8" => DType.Int8,
            "U8" => DType.UInt8,
            _ => throw Fail(source, $"tensor '{name}': dtype {dtypeName} is not supported (F32, F64, F16, BF16, I64, BOOL, I8, U8)"),
        };
        if (!v.TryGetProperty("shape", out var shapeEl) || shapeEl.ValueKind != JsonValueKind.Array)
            throw Fail(source, $"tensor '{name}': missing or non-array \"shape\"");
        var shape = new int[shapeEl.GetArrayLength()];
        long numel = 1;
        int i = 0;
        foreach (var d in shapeEl.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt32(out int size) || size < 0)
                throw Fail(source, $"tensor '{name}': shape entry {i} is not a non-negative integer ({d.GetRawText()})");
            shape[i++] = size;
            numel *= size;
            if (numel > Array.MaxLength)
                throw Fail(source, $"tensor '{name}': shape {Shape.Format(shape.AsSpan(0, i))} has more elements than one buffer can hold");
        }
        if (!v.TryGetProperty("data_offsets", out var offEl) || offEl.ValueKind != JsonValueKind.Array || offEl.GetArrayLength() != 2)
            throw Fail(source, $"tensor '{name}': \"data_offsets\" must be an array [begin, end]");
        if (!offEl[0].TryGetInt64(out long begin) || !offEl[1].TryGetInt64(out long end) || begin < 0 || end < begin)
            throw Fail(source, $"tensor '{name}': invalid data_offsets {offEl.GetRawText()}");
        string? stored = dtypeName is "F16" or "BF16" ? dtypeName : null;
        long expected = numel * (stored is null ? dtype.ElementSize() : 2);
        if (end - begin != expected)
            throw Fail(source, $"tensor '{name}': data_offsets {offEl.GetRawText()} span {end - begin} bytes but {dtypeName} {Shape.Format(shape)} needs {expected}");
        return new Entry(name, dtype, shape, begin, end, stored);
    }

    private static void ValidateLayout(List<Entry> entries, long dataLength, string source)
    {
        long cursor = 0;
        foreach (var e in entries.OrderBy(e => e.Begin).ThenBy(e => e.End))
        {
            if (e.Begin != cursor)
                throw Fail(source, e.Begin > cursor
                    ? $"tensor '{e.Name}' starts at byte {e.Begin} of the data section, leaving a gap after byte {cursor}"
                    : $"tensor '{e.Name}' (bytes {e.Begin}..{e.End}) overlaps the previous tensor, which ends at byte {cursor}");
            if (e.End > dataLength)
                throw Fail(source, $"truncated: tensor '{e.Name}' needs data bytes {e.Begin}..{e.End} but the data section has only {dataLength} bytes");
            cursor = e.End;
        }
        if (cursor != dataLength)
            throw Fail(source, $"the data section has {dataLength} bytes but the tensors cover only {cursor} ({dataLength - cursor} unexplained trailing bytes)");
    }

    private static void ReadTensor(Stream stream, Tensor t, Entry e, string source)
    {
        if (e.Stored is not null)
        {
            var half = new byte[e.End - e.Begin];
            ReadExactly(stream, half, source, $"tensor '{e.Name}'");
            HalfPrecision.Read(half, t.Span<float>(), bfloat: e.Stored == "BF16");
            return;
        }
        var bytes = t.Bits<byte>();
        ReadExactly(stream, bytes, source, $"tensor '{e.Name}'");
        if (t.DType == DType.Bool)
        {
            // A .NET bool must be exactly 0 or 1; anything else is corruption, not a value.
            for (int i = 0; i < bytes.Length; i++)
                if (bytes[i] > 1)
                    throw Fail(source, $"tensor '{e.Name}': BOOL element {i} has byte value {bytes[i]} (must be 0 or 1)");
        }
        if (!BitConverter.IsLittleEndian) SwapBytes(bytes, t.DType.ElementSize());
    }

    private static void ReadExactly(Stream stream, Span<byte> buffer, string source, string what)
    {
        int read = 0;
        while (read < buffer.Length)
        {
            int n = stream.Read(buffer[read..]);
            if (n == 0)
                throw Fail(source, $"truncated while reading the {what}: got {read} of {buffer.Length} bytes");
            read += n;
        }
    }

    private static bool Halved(Tensor t, FloatStorage storage) => storage != FloatStorage.Native && t.DType.IsFloatingPoint();

    private static byte[] BuildHeader(List<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata,
        FloatStorage storage)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                w.WriteStartObject(MetadataKey);
                foreach (var (k, v) in metadata) w.WriteString(k, v);
                w.WriteEndObject();
            }
            var names = new HashSet<string>(StringComparer.Ordinal);
            long offset = 0;
            foreach (var (name, t) in tensors)
            {
                ArgumentException.ThrowIfNullOrEmpty(name);
                if (name == MetadataKey)
                    throw new ArgumentException($"safetensors: '{MetadataKey}' is reserved and cannot name a tensor.");
                if (!names.Add(name))
                    throw new ArgumentException($"safetensors: the tensor name '{name}' appears twice.");
                long size = (long)t.Numel * (Halved(t, storage) ? 2 : t.DType.ElementSize());
                w.WriteStartObject(name);
                w.WriteString("dtype", Halved(t, storage) ? HalfPrecision.Name(storage) : t.DType switch
                {
                    DType.Float32 => "F32",
                    DType.Float64 => "F64",
                    DType.Int64 => "I64",
                    DType.Bool => "BOOL",
                    DType.Int8 => "I8",
                    DType.UInt8 => "U8",
                    _ => throw new ArgumentException($"safetensors: tensor '{name}' has unsupported dtype {t.DType}."),
                });
                w.WriteStartArray("shape");
                foreach (int d in t.Shape.Dims) w.WriteNumberValue(d);
                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(offset);
                w.WriteNumberValue(offset + size);
                w.WriteEndArray();
                w.WriteEndObject();
                offset += size;
            }
            w.WriteEndObject();
        }
        // Pad with spaces so the data section starts 8-byte aligned (as the reference writer does).
        int len = buffer.WrittenCount;
        int padded = (len + 7) / 8 * 8;
        var header = new byte[padded];
        buffer.WrittenSpan.CopyTo(header);
        header.AsSpan(len).Fill((byte)' ');
        return header;
    }

    private static void WriteBody(Stream stream, byte[] header, List<KeyValuePair<string, Tensor>> tensors, FloatStorage storage)
    {
        Span<byte> lengthBytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(lengthBytes, (ulong)header.Length);
        stream.Write(lengthBytes);
        stream.Write(header);
        foreach (var (_, t) in tensors)
        {
            if (Halved(t, storage))
            {
                var half = new byte[2 * t.Numel];
                if (t.DType == DType.Float64) HalfPrecision.Write(t.Span<double>(), half, bfloat: storage == FloatStorage.BFloat16);
                else HalfPrecision.Write(t.Span<float>(), half, bfloat: storage == FloatStorage.BFloat16);
                stream.Write(half);
                continue;
            }
            ReadOnlySpan<byte> bytes = t.Bits<byte>();
            if (BitConverter.IsLittleEndian)
            {
                stream.Write(bytes);
            }
            else
            {
                var copy = bytes.ToArray();
                SwapBytes(copy, t.DType.ElementSize());
                stream.Write(copy);
            }
        }
    }

    private static void SwapBytes(Span<byte> bytes, int size)
    {
        if (size == 1) return;
        for (int i = 0; i < bytes.Length; i += size) bytes.Slice(i, size).Reverse();
    }

    private static SafeTensorsFormatException Fail(string source, string problem, Exception? inner = null) =>
        new($"safetensors file '{source}': {problem}.", inner);
}

/// <summary>Thrown when a safetensors file is corrupt, truncated or uses something this reader does not support.</summary>
public sealed class SafeTensorsFormatException : IOException
{
    /// <summary>Creates the exception with a message naming the file and the problem.</summary>
    public SafeTensorsFormatException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}

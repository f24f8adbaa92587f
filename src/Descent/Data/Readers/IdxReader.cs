using System.Buffers.Binary;
using System.IO.Compression;

namespace Descent.Data;

/// <summary>
/// Reads IDX files (LeCun's MNIST format, also Fashion-MNIST), raw or gzip-compressed (detected from the content).
/// Every defect fails with an <see cref="InvalidDataException"/> naming the file and what was wrong: bad magic
/// number, unknown type, header or payload cut short, bytes past the announced payload, corrupt gzip data.
/// </summary>
public static class IdxReader
{
    /// <summary>Reads any IDX file.</summary>
    public static IdxFile Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var file = File.OpenRead(path);
        return Read(file, path);
    }

    /// <summary>Reads an IDX file from <paramref name="stream"/>; <paramref name="name"/> is used in error messages.</summary>
    public static IdxFile Read(Stream stream, string name)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(name);
        var buffered = new BufferedStream(stream, 1 << 16);
        Span<byte> probe = stackalloc byte[2];
        int got = ReadFully(buffered, probe, name);
        // Gzip members start with 0x1f 0x8b (RFC 1952); an IDX file starts with two zero bytes.
        bool gzip = got == 2 && probe[0] == 0x1f && probe[1] == 0x8b;
        var prefix = probe[..got].ToArray();
        using var content = gzip
            ? new GZipStream(new PrefixedStream(prefix, buffered), CompressionMode.Decompress)
            : (Stream)new PrefixedStream(prefix, buffered);
        return Parse(content, name);
    }

    /// <summary>Reads an MNIST-style image file: magic 0x00000803 (unsigned bytes; count × rows × columns).</summary>
    public static IdxFile ReadImages(string path) => Expect(Read(path), path, IdxFile.ImagesMagic, "images (unsigned bytes, 3 dimensions: count×rows×columns)");

    /// <summary>Reads MNIST-style images from a stream (<paramref name="name"/> appears in errors).</summary>
    public static IdxFile ReadImages(Stream stream, string name) => Expect(Read(stream, name), name, IdxFile.ImagesMagic, "images (unsigned bytes, 3 dimensions: count×rows×columns)");

    /// <summary>Reads an MNIST-style label file: magic 0x00000801 (unsigned bytes; one dimension).</summary>
    public static IdxFile ReadLabels(string path) => Expect(Read(path), path, IdxFile.LabelsMagic, "labels (unsigned bytes, 1 dimension)");

    /// <summary>Reads MNIST-style labels from a stream (<paramref name="name"/> appears in errors).</summary>
    public static IdxFile ReadLabels(Stream stream, string name) => Expect(Read(stream, name), name, IdxFile.LabelsMagic, "labels (unsigned bytes, 1 dimension)");

    private static IdxFile Expect(IdxFile file, string name, int magic, string what)
    {
        if (file.Magic != magic)
            throw new InvalidDataException(
                $"{name}: magic number 0x{file.Magic:X8} ({file.DataType}, {file.Dims.Count} dimension{(file.Dims.Count == 1 ? "" : "s")}) " +
                $"where an IDX file of {what} has 0x{magic:X8}.");
        return file;
    }

    private static IdxFile Parse(Stream s, string name)
    {
        Span<byte> word = stackalloc byte[4];
        int got = ReadFully(s, word, name);
        if (got < 4)
            throw new InvalidDataException($"{name}: truncated: {got} bytes, shorter than the 4-byte IDX magic number.");
        int magic = BinaryPrimitives.ReadInt32BigEndian(word);
        if (word[0] != 0 || word[1] != 0)
            throw new InvalidDataException(
                $"{name}: bad magic number 0x{magic:X8}: not an IDX file (an IDX file starts with two zero bytes, a type code and the number of dimensions; " +
                "MNIST uses 0x00000801 for labels and 0x00000803 for images).");
        var type = (IdxDataType)word[2];
        if (!Enum.IsDefined(type))
            throw new InvalidDataException(
                $"{name}: bad magic number 0x{magic:X8}: unknown IDX type code 0x{word[2]:X2} (known: 0x08 ubyte, 0x09 byte, 0x0B short, 0x0C int, 0x0D float, 0x0E double).");
        int rank = word[3];
        if (rank == 0)
            throw new InvalidDataException($"{name}: bad magic number 0x{magic:X8}: zero dimensions.");
        var dims = new int[rank];
        long count = 1;
        for (int d = 0; d < rank; d++)
        {
            got = ReadFully(s, word, name);
            if (got < 4)
                throw new InvalidDataException($"{name}: truncated: the header announces {rank} dimensions but ends after {d} of them.");
            uint size = BinaryPrimitives.ReadUInt32BigEndian(word);
            if (size > int.MaxValue)
                throw new InvalidDataException($"{name}: dimension {d} of the header is {size}, beyond any real data set (corrupt header?).");
            dims[d] = (int)size;
            count *= size;
            if (count * IdxFile.ElementSize(type) > Array.MaxLength)
                throw new InvalidDataException($"{name}: header dimensions {Describe(dims.AsSpan(0, d + 1))} describe more data than one array can hold (corrupt header?).");
        }
        long bytes = count * IdxFile.ElementSize(type);
        var data = ReadPayload(s, bytes, out long found, name);
        if (found < bytes)
            throw new InvalidDataException($"{name}: truncated: header says {IdxFile.FormatDims(dims)} = {PayloadText(type, magic, count, bytes)}, found {found}.");
        long extra = CountRemaining(s, name);
        if (extra > 0)
            throw new InvalidDataException(
                $"{name}: {extra} unexpected bytes after the {bytes} bytes the header announces ({IdxFile.FormatDims(dims)}); wrong dimensions or a concatenated file?");
        return new IdxFile(type, dims, data);
    }

    private static string PayloadText(IdxDataType type, int magic, long count, long bytes)
    {
        string what = magic == IdxFile.ImagesMagic ? "pixels" : magic == IdxFile.LabelsMagic ? "labels" : "data";
        return IdxFile.ElementSize(type) == 1 ? $"{bytes} bytes of {what}" : $"{count} {type} values = {bytes} bytes of {what}";
    }

    private static string Describe(ReadOnlySpan<int> dims) => IdxFile.FormatDims(dims.ToArray());

    /// <summary>Reads up to <paramref name="bytes"/>, growing the buffer as data arrives so a corrupt header cannot force a huge allocation up front.</summary>
    private static byte[] ReadPayload(Stream s, long bytes, out long found, string name)
    {
        var data = new byte[Math.Min(bytes, 1 << 24)];
        long filled = 0;
        while (filled < bytes)
        {
            if (filled == data.Length)
                Array.Resize(ref data, (int)Math.Min(bytes, (long)data.Length * 2));
            int n = ReadChunk(s, data.AsSpan((int)filled), name);
            if (n == 0) break;
            filled += n;
        }
        found = filled;
        return data;
    }

    private static long CountRemaining(Stream s, string name)
    {
        Span<byte> sink = stackalloc byte[4096];
        long total = 0;
        int n;
        while ((n = ReadChunk(s, sink, name)) > 0) total += n;
        return total;
    }

    private static int ReadFully(Stream s, Span<byte> buffer, string name)
    {
        int filled = 0;
        while (filled < buffer.Length)
        {
            int n = ReadChunk(s, buffer[filled..], name);
            if (n == 0) break;
            filled += n;
        }
        return filled;
    }

    private static int ReadChunk(Stream s, Span<byte> buffer, string name)
    {
        try
        {
            return s.Read(buffer);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{name}: corrupt gzip data: {e.Message}", e);
        }
    }

    /// <summary>A read-only stream that yields a few already-read bytes before the rest of another stream.</summary>
    private sealed class PrefixedStream(byte[] prefix, Stream rest) : Stream
    {
        private int _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_position < prefix.Length)
            {
                int n = Math.Min(buffer.Length, prefix.Length - _position);
                prefix.AsSpan(_position, n).CopyTo(buffer);
                _position += n;
                return n;
            }
            return rest.Read(buffer);
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

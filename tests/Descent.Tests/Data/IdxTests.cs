using System.IO.Compression;
using Descent.Data;
using Descent.Tensors;

namespace Descent.Tests.Data;

public sealed class IdxTests : IDisposable
{
    private readonly string _dir = DataTestUtil.TempDir();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    private static byte[] Pixels(int n) => Enumerable.Range(0, n).Select(i => (byte)(i * 7)).ToArray();

    [Theory]
    [InlineData("images-idx3-ubyte")]
    [InlineData("images-idx3-ubyte.gz")]
    public void ImagesRoundTrip(string name)
    {
        var file = IdxFile.FromBytes(Pixels(3 * 4 * 5), 3, 4, 5);
        file.Write(PathOf(name));
        var back = IdxReader.ReadImages(PathOf(name));
        Assert.Equal(IdxFile.ImagesMagic, back.Magic);
        Assert.Equal([3, 4, 5], back.Dims);
        Assert.Equal(file.Data, back.Data);
        bool gz = File.ReadAllBytes(PathOf(name))[0] == 0x1f;
        Assert.Equal(name.EndsWith(".gz"), gz);
    }

    [Fact]
    public void MultiByteTypesRoundTripBigEndian()
    {
        var raw = new byte[4 * 3];
        for (int i = 0; i < 3; i++) System.Buffers.Binary.BinaryPrimitives.WriteSingleBigEndian(raw.AsSpan(4 * i), i - 1.5f);
        new IdxFile(IdxDataType.Float32, [3], raw).Write(PathOf("f.idx"));
        var back = IdxReader.Read(PathOf("f.idx"));
        Assert.Equal(0x00000D01, back.Magic);
        Assert.Equal(new[] { -1.5, -0.5, 0.5 }, back.ToTensor(DType.Float64).ToDoubleArray());
        Assert.Equal(0x0D, File.ReadAllBytes(PathOf("f.idx"))[2]);
    }

    [Fact]
    public void ToTensorDividesLikeTorchvision()
    {
        var file = IdxFile.FromBytes([0, 1, 128, 255], 4);
        var t = file.ToTensor(DType.Float32, 255);
        Assert.Equal(new[] { 0f, 1f / 255f, 128f / 255f, 1f }, t.ToArray<float>());
        Assert.Equal(new long[] { 0, 1, 128, 255 }, file.ToTensor(DType.Int64).ToArray<long>());
    }

    [Theory]
    [InlineData("t10k-images-idx3-ubyte")]
    [InlineData("t10k-images-idx3-ubyte.gz")]
    public void TruncatedPixelsAreReportedWithCounts(string name)
    {
        var bytes = Header(0x803, 10, 28, 28).Concat(new byte[1234]).ToArray();
        WriteMaybeGz(name, bytes);
        var ex = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(PathOf(name)));
        Assert.Equal($"{PathOf(name)}: truncated: header says 10×28×28 = 7840 bytes of pixels, found 1234.", ex.Message);
    }

    [Fact]
    public void TruncatedHeaderAndLabels()
    {
        File.WriteAllBytes(PathOf("short"), [0, 0, 8]);
        Assert.Contains("shorter than the 4-byte IDX magic number", Assert.Throws<InvalidDataException>(() => IdxReader.Read(PathOf("short"))).Message);
        File.WriteAllBytes(PathOf("dims"), Header(0x803, 5, 28).ToArray()); // 3 dims announced, 2 given
        Assert.Contains("announces 3 dimensions but ends after 2", Assert.Throws<InvalidDataException>(() => IdxReader.Read(PathOf("dims"))).Message);
        File.WriteAllBytes(PathOf("labels"), [.. Header(0x801, 100), .. new byte[99]]);
        Assert.EndsWith("truncated: header says 100 = 100 bytes of labels, found 99.", Assert.Throws<InvalidDataException>(() => IdxReader.ReadLabels(PathOf("labels"))).Message);
    }

    [Fact]
    public void BadMagicIsNamed()
    {
        File.WriteAllBytes(PathOf("png"), [0x89, 0x50, 0x4E, 0x47, 0, 0, 0, 0]);
        var ex = Assert.Throws<InvalidDataException>(() => IdxReader.Read(PathOf("png")));
        Assert.StartsWith($"{PathOf("png")}: bad magic number 0x89504E47: not an IDX file", ex.Message);
        File.WriteAllBytes(PathOf("type"), [0, 0, 0x07, 1, 0, 0, 0, 0]);
        Assert.Contains("unknown IDX type code 0x07", Assert.Throws<InvalidDataException>(() => IdxReader.Read(PathOf("type"))).Message);
    }

    [Fact]
    public void LabelsPassedAsImagesAreRejected()
    {
        IdxFile.FromBytes([1, 2, 3], 3).Write(PathOf("labels.gz"));
        var ex = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(PathOf("labels.gz")));
        Assert.Contains("magic number 0x00000801", ex.Message);
        Assert.Contains("0x00000803", ex.Message);
    }

    [Fact]
    public void TrailingBytesAreReported()
    {
        File.WriteAllBytes(PathOf("long"), [.. Header(0x801, 3), 1, 2, 3, 4, 5]);
        var ex = Assert.Throws<InvalidDataException>(() => IdxReader.ReadLabels(PathOf("long")));
        Assert.Contains("2 unexpected bytes after the 3 bytes", ex.Message);
    }

    [Fact]
    public void CorruptGzipIsReported()
    {
        IdxFile.FromBytes(Pixels(2 * 28 * 28), 2, 28, 28).Write(PathOf("x.gz"));
        var bytes = File.ReadAllBytes(PathOf("x.gz"));
        for (int i = 20; i < 60; i++) bytes[i] ^= 0x5A; // scramble the deflate stream
        File.WriteAllBytes(PathOf("x.gz"), bytes);
        var ex = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(PathOf("x.gz")));
        Assert.StartsWith($"{PathOf("x.gz")}: ", ex.Message);
        Assert.Matches("corrupt gzip data|truncated|bad magic|unexpected bytes", ex.Message);
    }

    [Fact]
    public void CutGzipFileIsReported()
    {
        IdxFile.FromBytes(Pixels(50 * 28 * 28), 50, 28, 28).Write(PathOf("cut.gz"));
        var bytes = File.ReadAllBytes(PathOf("cut.gz"));
        File.WriteAllBytes(PathOf("cut.gz"), bytes[..(bytes.Length / 2)]);
        var ex = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(PathOf("cut.gz")));
        Assert.StartsWith($"{PathOf("cut.gz")}: ", ex.Message);
        Assert.Matches("truncated: header says 50×28×28 = 39200 bytes of pixels, found \\d+|corrupt gzip data", ex.Message);
    }

    [Fact]
    public void MnistFormatBuildsAClassificationDataset()
    {
        IdxFile.FromBytes([0, 255, 51, 102, 0, 0, 0, 0], 2, 2, 2).Write(PathOf("img.gz"));
        IdxFile.FromBytes([3, 9], 2).Write(PathOf("lbl.gz"));
        var ds = MnistFormat.Load(PathOf("img.gz"), PathOf("lbl.gz"));
        Assert.Equal(new Shape(2, 1, 2, 2), ds.Features.Shape);
        Assert.Equal(new long[] { 3, 9 }, ds.Targets.ToArray<long>());
        Assert.Equal(new[] { 0f, 1f, 51f / 255f, 102f / 255f }, ds.Features.ToFloatArray()[..4]);
        var norm = MnistFormat.Load(PathOf("img.gz"), PathOf("lbl.gz"), new ImageDataOptions { Mean = 0.5, Std = 0.5, Flatten = true });
        Assert.Equal(new Shape(2, 4), norm.Features.Shape);
        Assert.Equal((1f - 0.5f) / 0.5f, norm.Features.ToFloatArray()[1]);
        var ex = Assert.Throws<InvalidDataException>(() => MnistFormat.Load(PathOf("img.gz"), PathOf("lbl.gz"), numClasses: 5));
        Assert.Contains("label 9 at index 1 is outside 0..4", ex.Message);
        IdxFile.FromBytes([3, 9, 1], 3).Write(PathOf("lbl3.gz"));
        Assert.Contains("3 labels for the 2 images", Assert.Throws<InvalidDataException>(() => MnistFormat.Load(PathOf("img.gz"), PathOf("lbl3.gz"))).Message);
    }

    private static IEnumerable<byte> Header(int magic, params int[] dims)
    {
        var words = new[] { magic }.Concat(dims);
        foreach (int w in words)
        {
            var b = new byte[4];
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(b, w);
            foreach (var x in b) yield return x;
        }
    }

    private void WriteMaybeGz(string name, byte[] bytes)
    {
        using var file = File.Create(PathOf(name));
        if (name.EndsWith(".gz"))
        {
            using var gz = new GZipStream(file, CompressionLevel.Fastest);
            gz.Write(bytes);
        }
        else
        {
            file.Write(bytes);
        }
    }
}

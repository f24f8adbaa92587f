using System.Security.Cryptography;
using System.Text.Json;
using Descent.Tensors;

namespace Descent.Tests.Fixtures;

/// <summary>The fixture helpers: the folder matches its manifest (case counts, sizes, hashes) and tensors parse exactly.</summary>
[Trait("Category", "Fixtures")]
public class FixtureFilesTests
{
    /// <summary>Every file the folder's manifest lists (so another fixture set is checked against its own manifest).</summary>
    public static TheoryData<string> ManifestFiles()
    {
        var manifest = JsonDocument.Parse(File.ReadAllBytes(FixtureFiles.PathOf("manifest.json"))).RootElement;
        var data = new TheoryData<string>();
        foreach (var f in manifest.GetProperty("files").EnumerateArray()) data.Add(f.GetProperty("file").GetString()!);
        return data;
    }

    [Theory]
    [MemberData(nameof(ManifestFiles))]
    public void FilesMatchTheManifest(string file)
    {
        var manifest = JsonDocument.Parse(File.ReadAllBytes(FixtureFiles.PathOf("manifest.json"))).RootElement;
        var entry = manifest.GetProperty("files").EnumerateArray().Single(f => f.GetProperty("file").GetString() == file);
        var names = FixtureFiles.CaseNames(file);
        Assert.Equal(entry.GetProperty("num_cases").GetInt32(), names.Count);
        Assert.Equal(names.Count, names.Distinct().Count());
        var bytes = File.ReadAllBytes(FixtureFiles.PathOf(file));
        Assert.Equal(entry.GetProperty("bytes").GetInt64(), bytes.LongLength);
        Assert.Equal(entry.GetProperty("sha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(bytes)));
        Assert.Equal(Path.GetFileNameWithoutExtension(file), FixtureFiles.Root(file).GetProperty("category").GetString());
    }

    [Fact]
    public void EveryManifestFileHasATestClassThatReadsIt()
    {
        var readers = typeof(FixtureFilesTests).Assembly.GetTypes()
            .SelectMany(t => t.GetCustomAttributes(typeof(FixtureReaderAttribute), false).Cast<FixtureReaderAttribute>()
                .Select(a => (a.FileName, Type: t)))
            .ToList();
        foreach (var (file, type) in readers)
        {
            Assert.True(type.GetMethods().Any(m => m.IsDefined(typeof(TheoryAttribute), false) || m.IsDefined(typeof(FactAttribute), false)),
                $"{type.Name} claims to read {file} but has no tests.");
        }
        var unread = ManifestFiles().Cast<object[]>().Select(row => (string)row[0]).Where(f => readers.All(r => r.FileName != f)).ToList();
        Assert.True(unread.Count == 0,
            $"The fixture manifest lists files no test class reads (mark the reader with [FixtureReader]): {string.Join(", ", unread)}");
    }

    [Fact]
    public void TensorsParseToTheRequestedFloatTypeAndKeepIntegerTypes()
    {
        var json = JsonDocument.Parse("""
            {"a": {"dtype": "float64", "shape": [2, 2], "data": [0.1, -2.5, 3e-300, 4]},
             "s": {"dtype": "float64", "shape": [], "data": [7.25]},
             "i": {"dtype": "int64", "shape": [3], "data": [1, -2, 3]},
             "b": {"dtype": "bool", "shape": [2], "data": [true, false]}}
            """).RootElement;
        var a = FixtureJson.ToTensor(json.GetProperty("a"));
        Assert.Equal(new Shape(2, 2), a.Shape);
        Assert.Equal([0.1, -2.5, 3e-300, 4], a.ToDoubleArray());
        Assert.Equal(DType.Float32, FixtureJson.ToTensor(json.GetProperty("a"), DType.Float32).DType);
        Assert.Equal(Shape.Scalar, FixtureJson.ToTensor(json.GetProperty("s")).Shape);
        Assert.Equal(DType.Int64, FixtureJson.ToTensor(json.GetProperty("i"), DType.Float32).DType);
        Assert.Equal([1.0, 0.0], FixtureJson.ToTensor(json.GetProperty("b")).ToDoubleArray());
        var all = FixtureJson.ToTensorDictionary(json, DType.Float32);
        Assert.Equal(["a", "s", "i", "b"], all.Keys);
        Assert.Throws<ArgumentException>(() => FixtureJson.ToTensor(json));
        Assert.Equal(new[] { 0.9, 0.999 }, (double[])FixtureJson.ToValue(JsonDocument.Parse("[0.9, 0.999]").RootElement)!);
        Assert.Throws<KeyNotFoundException>(() => FixtureFiles.Case("textbook.json", "no such case"));
    }

    [Fact]
    public void ToleranceAcceptsOnlyCloseValues()
    {
        var t = Tolerance.Trajectory;
        Assert.True(t.Accepts(1 + 5e-8, 1));
        Assert.False(t.Accepts(1 + 5e-7, 1));
        Assert.True(t.Accepts(5e-10, 0));
        Assert.False(t.Accepts(double.NaN, 1));
        Assert.Equal(Tolerance.Float32, Tolerance.For(DType.Float32, Tolerance.SingleOp));
        Assert.Equal(Tolerance.SingleOp, Tolerance.For(DType.Float64, Tolerance.SingleOp));
    }
}

using System.Security.Cryptography;

namespace Descent.Tests.Fixtures;

/// <summary>The ONNX fixture folder matches its manifest: sizes, hashes, models, op types, and no unlisted model files.</summary>
[Trait("Category", "Fixtures")]
public class OnnxFixtureFilesTests
{
    public static TheoryData<string> ManifestFiles() => OnnxFixtureFiles.ManifestFiles();

    public static TheoryData<string> ModelNames() => OnnxFixtureFiles.ModelNames();

    [Theory]
    [MemberData(nameof(ManifestFiles))]
    public void FilesMatchTheManifest(string file)
    {
        var entry = OnnxFixtureFiles.Manifest().GetProperty("files").EnumerateArray().Single(f => f.GetProperty("file").GetString() == file);
        var bytes = File.ReadAllBytes(OnnxFixtureFiles.PathOf(file));
        Assert.Equal(entry.GetProperty("bytes").GetInt64(), bytes.LongLength);
        Assert.Equal(entry.GetProperty("sha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(bytes)));
    }

    [Theory]
    [MemberData(nameof(ModelNames))]
    public void ModelMetadataAgreesWithTheManifest(string name)
    {
        var listed = OnnxFixtureFiles.Manifest().GetProperty("models").EnumerateArray().Single(m => m.GetProperty("name").GetString() == name);
        var model = OnnxFixtureFiles.Model(name);
        Assert.Equal(name, model.GetProperty("name").GetString());
        Assert.Equal(listed.GetProperty("opset").GetInt32(), model.GetProperty("opset").GetInt32());
        Assert.Equal(listed.GetProperty("op_types").EnumerateArray().Select(o => o.GetString()),
            model.GetProperty("op_types").EnumerateArray().Select(o => o.GetString()));
        var onnx = File.ReadAllBytes(OnnxFixtureFiles.PathOf(model.GetProperty("onnx_file").GetString()!));
        Assert.Equal(model.GetProperty("onnx_bytes").GetInt64(), onnx.LongLength);
        Assert.Equal(model.GetProperty("onnx_sha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(onnx)));
        Assert.True(model.GetProperty("cases").GetArrayLength() >= 1, $"{name}.json has no cases.");
    }

    [Fact]
    public void EveryModelFileIsListed()
    {
        var manifest = OnnxFixtureFiles.Manifest();
        var listed = manifest.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("file").GetString()!).ToHashSet();
        var models = manifest.GetProperty("models").EnumerateArray().Select(m => m.GetProperty("name").GetString()!).ToList();
        Assert.NotEmpty(models);
        foreach (var file in Directory.EnumerateFiles(OnnxFixtureFiles.Folder))
        {
            var name = Path.GetFileName(file);
            if (name is "manifest.json" or "README.md" || name.EndsWith(".py", StringComparison.Ordinal)) continue;
            Assert.True(listed.Contains(name), $"{name} is in {OnnxFixtureFiles.Folder} but not in its manifest.");
        }
        foreach (var m in models)
        {
            Assert.Contains(m + ".onnx", listed);
            Assert.Contains(m + ".json", listed);
        }
    }
}

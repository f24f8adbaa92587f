using System.Text.Json;
using Descent.Tensors;

namespace Descent.Tests.Fixtures;

/// <summary>
/// The ONNX model fixtures (tests/fixtures/onnx/README.md): the <c>onnx/</c> folder of the fixture folder in use
/// (<see cref="FixtureFiles.Folder"/>, so <c>DESCENT_FIXTURES</c> switches both sets). Model names come from the
/// folder's own manifest at test discovery, so every model of another set is its own test.
/// </summary>
public static class OnnxFixtureFiles
{
    /// <summary>The ONNX fixture folder in use.</summary>
    public static string Folder => Path.Combine(FixtureFiles.Folder, "onnx");

    /// <summary>Full path of <paramref name="fileName"/> in the ONNX fixture folder.</summary>
    public static string PathOf(string fileName) => Path.Combine(Folder, fileName);

    /// <summary>The parsed manifest.json of the ONNX folder.</summary>
    public static JsonElement Manifest() => Read("manifest.json");

    /// <summary>The parsed <c>&lt;name&gt;.json</c> of model <paramref name="name"/>.</summary>
    public static JsonElement Model(string name) => Read(name + ".json");

    /// <summary>Theory data: one row per model the manifest lists.</summary>
    public static TheoryData<string> ModelNames()
    {
        var data = new TheoryData<string>();
        foreach (var m in Manifest().GetProperty("models").EnumerateArray()) data.Add(m.GetProperty("name").GetString()!);
        return data;
    }

    /// <summary>Theory data: one row per file the manifest lists.</summary>
    public static TheoryData<string> ManifestFiles()
    {
        var data = new TheoryData<string>();
        foreach (var f in Manifest().GetProperty("files").EnumerateArray()) data.Add(f.GetProperty("file").GetString()!);
        return data;
    }

    /// <summary>A case tensor (<c>{"name", "dtype", "shape", "data"}</c>): float32 or int64.</summary>
    public static Tensor ToTensor(JsonElement tensor)
    {
        var shape = tensor.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray();
        var data = tensor.GetProperty("data");
        return tensor.GetProperty("dtype").GetString() switch
        {
            "float32" => Tensor.FromArray(data.EnumerateArray().Select(v => v.GetSingle()).ToArray(), shape),
            "int64" => Tensor.FromArray(data.EnumerateArray().Select(v => v.GetInt64()).ToArray(), shape),
            var other => throw new ArgumentException($"ONNX fixture tensor '{tensor.GetProperty("name").GetString()}' has unknown dtype '{other}'."),
        };
    }

    private static JsonElement Read(string fileName)
    {
        var path = PathOf(fileName);
        if (!File.Exists(path)) throw new FileNotFoundException($"ONNX fixture file {path} not found (fixture folder: {Folder}).", path);
        return JsonDocument.Parse(File.ReadAllBytes(path)).RootElement;
    }
}

using System.Text.Json;
using Descent.Interop.Onnx;
using Descent.Tensors;
using Descent.Tensors.Autograd;
using Descent.Tests.Fixtures;

namespace Descent.Tests.Interop.Onnx;

/// <summary>
/// Every model of the ONNX fixture set (exported by <c>torch.onnx.export</c>) imports and reproduces PyTorch's
/// recorded outputs at both batch sizes within the fixture's float32 tolerance. A model the importer cannot handle
/// fails here; nothing is skipped.
/// </summary>
[Trait("Category", "Fixtures")]
public class OnnxFixtureImportTests
{
    public static TheoryData<string> ModelNames() => OnnxFixtureFiles.ModelNames();

    [Theory]
    [MemberData(nameof(ModelNames))]
    public void ImportedModelReproducesPyTorch(string name)
    {
        var fixture = OnnxFixtureFiles.Model(name);
        var imported = OnnxImporter.Import(OnnxFixtureFiles.PathOf(fixture.GetProperty("onnx_file").GetString()!));
        Assert.False(imported.Model.Training);
        var tolerance = fixture.GetProperty("tolerance");
        double atol = tolerance.GetProperty("atol").GetDouble(), rtol = tolerance.GetProperty("rtol").GetDouble();
        foreach (var c in fixture.GetProperty("cases").EnumerateArray())
        {
            var input = OnnxFixtureFiles.ToTensor(c.GetProperty("inputs")[0]);
            Assert.Equal(imported.InputDType, input.DType);
            var expected = c.GetProperty("outputs")[0];
            Tensor actual;
            using (GradMode.Disable()) actual = imported.Model.Call(input);
            AssertClose(actual, expected, atol, rtol, $"{name} case {c.GetProperty("name").GetString()}");
        }
    }

    [Theory]
    [MemberData(nameof(ModelNames))]
    public void ChainsImportAsThePyTorchModule(string name)
    {
        var fixture = OnnxFixtureFiles.Model(name);
        var imported = OnnxImporter.Import(OnnxFixtureFiles.PathOf(fixture.GetProperty("onnx_file").GetString()!));
        var pytorch = fixture.GetProperty("pytorch_module").GetString()!.ReplaceLineEndings("\n");
        // Where the exporter kept every layer (no Dropout removed, no BatchNorm folded), the import is PyTorch's module:
        // the same layers in the same order (compared by the "(i): Type(" heads of the reprs).
        static string[] Heads(string repr) => [.. repr.Split('\n').Where(l => l.StartsWith("  (", StringComparison.Ordinal)).Select(l => l[..(l.IndexOf('(', 3) + 1)])];
        var layers = Heads(pytorch);
        if (imported.Model is Descent.NN.Sequential seq && pytorch.StartsWith("Sequential(", StringComparison.Ordinal) && seq.Count == layers.Length)
            Assert.Equal(layers, Heads(imported.Model.ToString().ReplaceLineEndings("\n")));
        else
            Assert.True(imported.Model is Descent.NN.Sequential || imported.Model is OnnxGraphModule, $"{name}: imported as {imported.Model.TypeName}");
    }

    internal static void AssertClose(Tensor actual, JsonElement expected, double atol, double rtol, string what)
    {
        var shape = expected.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray();
        Assert.Equal(new Shape(shape), actual.Shape);
        var want = expected.GetProperty("data").EnumerateArray().Select(v => (double)v.GetSingle()).ToArray();
        var got = actual.ToDoubleArray();
        for (int i = 0; i < want.Length; i++)
            Assert.True(Math.Abs(got[i] - want[i]) <= atol + rtol * Math.Abs(want[i]),
                $"{what}: element {i} is {got[i]:R}, PyTorch gave {want[i]:R} (tolerance {atol} + {rtol}·|b|).");
    }
}

using Descent.Experiments;
using Descent.Interop.Onnx;
using Descent.Tensors;
using Descent.Tensors.Autograd;
using Descent.Tests.Fixtures;
using Descent.Tests.Interop.Onnx;

namespace Descent.Tests.Cli;

/// <summary><c>descent export</c> and <c>descent import</c> end to end: import a PyTorch-exported model, fine-tune it, export it, run it in ONNX Runtime.</summary>
public sealed class OnnxCommandTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("descent-cli-onnx-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string PathOf(string name) => Path.Combine(_dir.FullName, name);

    [Fact]
    public void ImportFineTuneAndExportRoundTrip()
    {
        var imported = PathOf("imported");
        var (code, output, errors) = CliRunner.Run("import", OnnxFixtureFiles.PathOf("lenet5.onnx"), "--output", imported);
        Assert.True(code == 0, errors);
        Assert.Contains("Conv2d(1, 6, kernel_size=(5, 5)", output);
        Assert.True(File.Exists(Path.Combine(imported, "model.onnx")));
        var experiment = Path.Combine(imported, "experiment.yaml");
        Assert.Equal(Path.Combine(imported, "model.onnx"), ExperimentConfig.Load(experiment).Model.Onnx);

        var runs = PathOf("runs");
        (code, _, errors) = CliRunner.Run("train", experiment, "--runs-dir", runs, "--quiet",
            "--set", "data.source=embedded", "--set", "data.train_samples=200", "--set", "data.test_samples=50");
        Assert.True(code == 0, errors);
        var run = Path.Combine(runs, "imported");

        (code, output, errors) = CliRunner.Run("export", run, "--opset", "15");
        Assert.True(code == 0, errors);
        var onnx = Path.Combine(run, "model.onnx");
        Assert.Equal(Path.GetFullPath(onnx), output.Trim());
        var trained = CheckpointModel.Load(run);
        var x = Tensor.Rand(new Shape(4, 1, 28, 28), DType.Float32, new Generator(1));
        OnnxRuntimeCheck.AssertAgrees(File.ReadAllBytes(onnx), trained.Model, x, "fine-tuned lenet5");
        Assert.Equal(15, OnnxImporter.Import(onnx).Opset);
        Tensor before;
        using (GradMode.Disable()) before = OnnxImporter.Import(OnnxFixtureFiles.PathOf("lenet5.onnx")).Model.Call(x);
        Assert.NotEqual(before.ToDoubleArray(), trained.Model.Call(x).ToDoubleArray());
    }

    [Fact]
    public void BadInputsAreOneLineUserErrors()
    {
        var garbage = PathOf("garbage.onnx");
        File.WriteAllBytes(garbage, [0x0a, 0xff, 0xff, 0x01, 0x02]);
        var (code, _, errors) = CliRunner.Run("import", garbage, "--output", PathOf("g"));
        Assert.Equal(1, code);
        Assert.Contains($"descent: {garbage}: not a valid ONNX model", errors);

        (code, _, errors) = CliRunner.Run("export", PathOf("no-such-run"));
        Assert.Equal(1, code);
        Assert.Contains("no-such-run", errors);

        (code, _, errors) = CliRunner.Run("export", PathOf("no-such-run"), "--opset", "12");
        Assert.Equal(1, code);
        Assert.Contains("--opset 12 is not supported (13 to 17)", errors);

        (code, _, errors) = CliRunner.Run("export", PathOf("no-such-run"), "--format", "tflite");
        Assert.Equal(1, code);
        Assert.Contains("tflite", errors);
    }
}

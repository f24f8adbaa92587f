using Descent.Interop.Onnx;
using Descent.NN;
using Descent.Optim;
using Descent.Tensors;
using Descent.Tensors.Autograd;
using Descent.Tests.Fixtures;

namespace Descent.Tests.Interop.Onnx;

/// <summary>
/// Round trips: each ONNX fixture model imports, fine-tunes (one epoch of SGD on random targets), exports, and ONNX
/// Runtime agrees with Descent; a Descent model exported and imported again computes the same outputs.
/// </summary>
public class OnnxRoundTripTests
{
    public static TheoryData<string> ModelNames() => OnnxFixtureFiles.ModelNames();

    [Theory]
    [MemberData(nameof(ModelNames))]
    public void ImportedFixtureExportsUnchangedAndAfterFineTuning(string name)
    {
        var fixture = OnnxFixtureFiles.Model(name);
        var imported = OnnxImporter.Import(OnnxFixtureFiles.PathOf(fixture.GetProperty("onnx_file").GetString()!));
        var cases = fixture.GetProperty("cases").EnumerateArray().ToList();
        var input = OnnxFixtureFiles.ToTensor(cases[0].GetProperty("inputs")[0]);
        var inputShape = imported.InputShape.Skip(1).ToArray();
        var options = new OnnxExportOptions { InputDType = imported.InputDType };

        var exported = OnnxExporter.Export(imported.Model, inputShape, options);
        var pytorch = OnnxFixtureFiles.ToTensor(cases[0].GetProperty("outputs")[0]);
        OnnxRuntimeCheck.AssertClose(OnnxRuntimeCheck.Run(exported, input), pytorch, $"{name} exported again");

        FineTuneOneEpoch(imported.Model, input, seed: name.Length);
        var tuned = OnnxExporter.Export(imported.Model, inputShape, options);
        foreach (var c in cases)
            OnnxRuntimeCheck.AssertAgrees(tuned, imported.Model, OnnxFixtureFiles.ToTensor(c.GetProperty("inputs")[0]), $"{name} fine-tuned");
        Tensor before, after;
        using (GradMode.Disable())
        {
            imported.Model.Eval();
            before = imported.Model.Call(input);
            after = OnnxImporter.Import(tuned).Model.Call(input);
        }
        OnnxRuntimeCheck.AssertClose(after, before, $"{name} fine-tuned, exported and imported", 1e-6, 1e-6);
        Assert.NotEqual(pytorch.ToDoubleArray(), before.ToDoubleArray());
    }

    /// <summary>One epoch (4 batches) of SGD towards random targets, in training mode: the weights really change.</summary>
    private static void FineTuneOneEpoch(Module model, Tensor input, int seed)
    {
        var g = new Generator(seed);
        model.Train();
        var optimizer = new Sgd(model.Parameters(), new SgdOptions(0.002));
        Tensor target;
        using (GradMode.Disable()) target = Tensor.Randn(model.Call(input).Shape, DType.Float32, g);
        for (int step = 0; step < 4; step++)
        {
            optimizer.ZeroGrad();
            var loss = new MSELoss().Call(model.Call(input), target);
            loss.Backward();
            optimizer.Step();
        }
        model.Eval();
    }

    [Fact]
    public void DescentModelsSurviveExportAndImport()
    {
        var g = new Generator(21);
        var model = new Sequential(new Conv2d(1, 4, 3, padding: 1, generator: g), new BatchNorm2d(4), new ReLU(), new MaxPool2d(2),
            new Flatten(), new Linear(64, 16, generator: g), new LayerNorm(16), new GELU(), new Linear(16, 3, generator: g));
        OnnxExportTests.RandomizeBatchNorms(model, 22);
        foreach (var opset in new[] { 13, 17 })
        {
            var imported = OnnxImporter.Import(OnnxExporter.Export(model, [1, 8, 8], new OnnxExportOptions { Opset = opset }));
            var x = Tensor.Randn(new Shape(2, 1, 8, 8), DType.Float32, g);
            Tensor expected, actual;
            model.Eval();
            using (GradMode.Disable())
            {
                expected = model.Call(x);
                actual = imported.Model.Call(x);
            }
            OnnxRuntimeCheck.AssertClose(actual, expected, $"opset {opset}", 1e-6, 1e-6);
            Assert.Equal([-1, 1, 8, 8], imported.InputShape);
            Assert.Equal(opset, imported.Opset);
            // LayerNormalization from opset 17, its decomposition before: either way the same chain of layers again.
            var seq = Assert.IsType<Sequential>(imported.Model);
            Assert.Equal(model.Count, seq.Count);
            Assert.Equal(model.StateDict().Keys, seq.StateDict().Keys);
        }
    }
}

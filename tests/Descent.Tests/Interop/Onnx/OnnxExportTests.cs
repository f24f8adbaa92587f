using Descent.Experiments;
using Descent.Interop.Onnx;
using Descent.NN;
using Descent.Tensors;
using Descent.Tensors.Autograd;

namespace Descent.Tests.Interop.Onnx;

/// <summary>
/// Exported models run in ONNX Runtime and agree with Descent (float32 tolerance) at two batch sizes, which also shows
/// the batch axis is dynamic: every preset, YAML layer lists covering every layer type, LSTM, self-attention,
/// embedding and 1-D models, every opset 13–17.
/// </summary>
public class OnnxExportTests
{
    private static Tensor Input(int seed, params int[] shape) => Tensor.Randn(new Shape(shape), DType.Float32, new Generator(seed));

    /// <summary>Gives every BatchNorm random running statistics and affine parameters, so inference mode matters.</summary>
    internal static void RandomizeBatchNorms(Module model, int seed)
    {
        var g = new Generator(seed);
        using var _ = GradMode.Disable();
        foreach (var bn in model.NamedModules().Select(m => m.Module).OfType<BatchNorm>())
        {
            bn.RunningMean!.CopyFrom(Tensor.Randn(bn.RunningMean.Shape, bn.RunningMean.DType, g) * 0.5);
            bn.RunningVar!.CopyFrom(Tensor.Rand(bn.RunningVar.Shape, bn.RunningVar.DType, g) + 0.5);
            bn.Weight!.CopyFrom(Tensor.Rand(bn.Weight.Shape, bn.Weight.DType, g) + 0.5);
            bn.Bias!.CopyFrom(Tensor.Randn(bn.Bias.Shape, bn.Bias.DType, g) * 0.1);
        }
    }

    internal static void AssertExportAgrees(Module model, int[] inputShape, int seed, OnnxExportOptions? options = null, string what = "model")
    {
        var bytes = OnnxExporter.Export(model, inputShape, options);
        foreach (var batch in new[] { 3, 1 })
        {
            var x = options?.InputDType == DType.Int64
                ? Tensor.RandInt(0, 10, new Shape([batch, .. inputShape]), new Generator(seed + batch))
                : Input(seed + batch, [batch, .. inputShape]);
            OnnxRuntimeCheck.AssertAgrees(bytes, model, x, $"{what} (batch {batch})");
        }
    }

    public static TheoryData<string> Presets() => [.. ModelPresets.Names];

    [Theory]
    [MemberData(nameof(Presets))]
    public void EveryPresetRunsInOnnxRuntime(string preset)
    {
        var model = ModelPresets.Create(preset, hidden: preset.StartsWith("mlp", StringComparison.Ordinal) ? [32, 16] : null, generator: new Generator(1));
        RandomizeBatchNorms(model, 2);
        AssertExportAgrees(model, [1, 28, 28], 3, what: preset);
    }

    [Theory]
    [InlineData(13)]
    [InlineData(14)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(17)]
    public void EveryOpsetRunsInOnnxRuntime(int opset)
    {
        var g = new Generator(opset);
        var model = new Sequential(new Conv2d(2, 4, 3, padding: 1, generator: g), new BatchNorm2d(4), new Hardswish(), new MaxPool2d(2),
            new Flatten(), new Linear(4 * 4 * 4, 8, generator: g), new LayerNorm(8), new GELU(), new Linear(8, 3, generator: g), new LogSoftmax(1));
        RandomizeBatchNorms(model, opset);
        AssertExportAgrees(model, [2, 8, 8], opset, new OnnxExportOptions { Opset = opset }, $"opset {opset}");
    }

    [Fact]
    public void YamlLayerListsWithEveryLayerTypeRunInOnnxRuntime()
    {
        var yaml = """
            data: {dataset: fashion-mnist}
            model:
              layers:
                - conv2d: {out: 4, kernel: 3, padding: 1}
                - batchnorm2d
                - leaky_relu: 0.2
                - maxpool2d: 2
                - conv2d: {out: 6, kernel: 3, stride: 2, bias: false}
                - elu: 0.5
                - avgpool2d: {kernel: 2, stride: 1}
                - flatten
                - linear: 32
                - batchnorm1d
                - silu
                - dropout: 0.3
                - linear: 16
                - layernorm
                - gelu
                - linear: 12
                - tanh
                - linear: 8
                - sigmoid
                - relu
                - linear
            """;
        var config = ExperimentConfigReader.Read(ConfigDocument.Parse(yaml, "layers.yaml"));
        var model = ExperimentBuilder.BuildModel(config, [1, 28, 28], 10, new Generator(4));
        RandomizeBatchNorms(model, 5);
        AssertExportAgrees(model, [1, 28, 28], 6, what: "layer list");
    }

    [Fact]
    public void ResidualModelsRunInOnnxRuntime()
    {
        // The YAML residual entries (examples/experiments/resnet-small.yaml) and ResidualBlocks with and without projection.
        var config = ExperimentConfig.Load(Path.Combine(AppContext.BaseDirectory, "examples", "experiments", "resnet-small.yaml"));
        var yamlModel = ExperimentBuilder.BuildModel(config, [1, 12, 12], 10, new Generator(30));
        RandomizeBatchNorms(yamlModel, 31);
        AssertExportAgrees(yamlModel, [1, 12, 12], 32, what: "YAML residual layers");
        var g = new Generator(33);
        var blocks = new Sequential(new Conv2d(2, 4, 3, padding: 1, generator: g), new ResidualBlock(4, 4, generator: g),
            new ResidualBlock(4, 6, 8, stride: 2, generator: g), new AdaptiveAvgPool2d(new Size2(1, 1)), new Flatten(), new Linear(8, 3, generator: g));
        RandomizeBatchNorms(blocks, 34);
        AssertExportAgrees(blocks, [2, 8, 8], 35, what: "ResidualBlocks");
        var imported = OnnxImporter.Import(OnnxExporter.Export(blocks, [2, 8, 8]));
        var x = Input(36, 2, 2, 8, 8);
        blocks.Eval();
        using (GradMode.Disable()) OnnxRuntimeCheck.AssertClose(imported.Model.Call(x), blocks.Call(x), "ResidualBlocks exported and imported", 1e-5, 1e-5);
    }

    [Fact]
    public void LstmModelsRunInOnnxRuntime()
    {
        var g = new Generator(7);
        var classifier = new Sequential(new LSTM(6, 10, batchFirst: true, generator: g), new Flatten(), new Linear(70, 4, generator: g));
        AssertExportAgrees(classifier, [7, 6], 8, what: "LSTM classifier");
        var deep = new Sequential(new LSTM(5, 4, numLayers: 2, bidirectional: true, batchFirst: true, dropout: 0.2, generator: g), new Flatten(), new Linear(24, 2, generator: g));
        AssertExportAgrees(deep, [3, 5], 9, what: "2-layer bidirectional LSTM");
    }

    [Fact]
    public void AttentionAndEmbeddingModelsRunInOnnxRuntime()
    {
        var g = new Generator(10);
        var attention = new Sequential(new MultiheadAttention(8, 2, batchFirst: true, generator: g), new LayerNorm(8), new Flatten(), new Linear(40, 3, generator: g));
        AssertExportAgrees(attention, [5, 8], 11, what: "self-attention");
        var embedding = new Sequential(new Embedding(10, 4, generator: g), new Flatten(), new Linear(24, 3, generator: g));
        AssertExportAgrees(embedding, [6], 12, new OnnxExportOptions { InputDType = DType.Int64 }, "embedding");
    }

    [Fact]
    public void OneDimensionalAndOtherLayersRunInOnnxRuntime()
    {
        var g = new Generator(13);
        var conv1d = new Sequential(new Conv1d(3, 8, 5, padding: 2, generator: g), new BatchNorm1d(8), new ReLU(), new MaxPool1d(2),
            new Conv1d(8, 8, 3, stride: 2, dilation: 1, groups: 2, generator: g), new SELU(), new AvgPool1d(2, padding: 1, countIncludePad: false),
            new AdaptiveAvgPool1d(1), new Flatten(), new Linear(8, 5, generator: g), new Softmax(1));
        RandomizeBatchNorms(conv1d, 14);
        AssertExportAgrees(conv1d, [3, 32], 15, what: "conv1d");
        var misc = new Sequential(new Conv2d(2, 4, new Size2(2, 3), "same", generator: g), new PReLU(4), new Conv2d(4, 4, 3, padding: 2, dilation: 2, groups: 2, generator: g),
            new AdaptiveAvgPool2d(new Size2(2, 2)), new Swish(1.5), new Flatten(), new Linear(16, 6, generator: g), new Softplus(2), new GELU(GeluApproximation.Tanh),
            new Identity(), new Linear(6, 2, generator: g));
        AssertExportAgrees(misc, [2, 6, 6], 16, what: "misc layers");
    }

    [Fact]
    public void MaskedLayersExportWhatTheyCompute()
    {
        // Unstructured pruning keeps the pruned values in the parameter and applies a mask in forward (PyTorch's
        // weight_orig); the exported graph must carry weight · mask, or ONNX Runtime computes the unpruned model.
        var g = new Generator(21);
        var model = new Sequential(new Conv2d(2, 4, 3, padding: 1, generator: g), new ReLU(), new Flatten(),
            new Linear(4 * 5 * 5, 6, generator: g), new ReLU(), new Linear(6, 3, generator: g));
        var masked = 0;
        foreach (var (_, layer) in model.NamedModules())
            foreach (var name in layer.MaskableParameters)
            {
                var parameter = layer.NamedParameters().First(p => p.Name == name).Parameter;
                layer.SetParameterMask(name, Tensor.Bernoulli(parameter.Shape, 0.5, parameter.DType, g));
                masked++;
            }
        Assert.Equal(6, masked);
        AssertExportAgrees(model, [2, 5, 5], 22, what: "masked layers");
        var conv1d = new Sequential(new Conv1d(3, 4, 3, generator: g), new Flatten(), new Linear(4 * 6, 2, generator: g));
        conv1d[0].SetParameterMask("weight", Tensor.Bernoulli(conv1d[0].NamedParameters().First().Parameter.Shape, 0.7, DType.Float32, g));
        AssertExportAgrees(conv1d, [3, 8], 23, what: "masked conv1d");
    }

    [Fact]
    public void UnsupportedLayersAndOpsetsAreNamed()
    {
        var model = new Sequential(new Conv2d(1, 4, 1), new ConvTranspose2d(4, 2, 2));
        var e = Assert.Throws<OnnxExportException>(() => OnnxExporter.Export(model, [1, 4, 4]));
        Assert.Contains("'1' (ConvTranspose2d)", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => OnnxExporter.Export(new Sequential(new ReLU()), [4], new OnnxExportOptions { Opset = 12 }));
        Assert.Throws<ArgumentException>(() => OnnxExporter.Export(new Sequential(new ReLU()), [0]));
    }

    [Fact]
    public void ExportLeavesTrainingModeAsItWas()
    {
        var model = ModelPresets.Create("mlp-bn", hidden: [8], generator: new Generator(17));
        model.Train();
        ((Module)model[2]).Eval();
        OnnxExporter.Export(model, [1, 28, 28]);
        Assert.True(model.Training);
        Assert.False(model[2].Training);
        Assert.True(model[1].Training);
    }
}

using Descent.Experiments;
using Descent.NN;
using Descent.Tensors;

namespace Descent.Tests.Experiments;

/// <summary><c>residual:</c> entries of <c>model.layers</c>: the resnet-small example, shortcuts, activations, errors at file:line:key.</summary>
public class ResidualLayersTests
{
    private static string ExamplesDir => Path.Combine(AppContext.BaseDirectory, "examples", "experiments");

    private static Sequential Build(string layersYaml, int[]? input = null)
    {
        var config = ExperimentConfig.Parse("model:\n  layers:\n" + layersYaml, "exp.yaml");
        return LayerListBuilder.Build(config.Model.Layers!, input ?? [1, 28, 28], 10, DType.Float32, new Generator(0));
    }

    [Fact]
    public void TheExampleFileBuildsThePreset()
    {
        var layers = ExperimentConfig.Load(Path.Combine(ExamplesDir, "resnet-small.yaml")).Model.Layers!;
        var fromYaml = LayerListBuilder.Build(layers, [1, 28, 28], 10, DType.Float32, new Generator(5)).StateDict();
        var preset = ModelPresets.Create("resnet-small", generator: new Generator(5)).StateDict();
        Assert.Equal(preset.Keys, fromYaml.Keys);
        Assert.Contains("4.shortcut.0.weight", preset.Keys);
        Assert.Contains("5.body.3.weight", preset.Keys);
        foreach (var (key, value) in preset)
        {
            Assert.Equal(value.Shape, fromYaml[key].Shape);
            Assert.Equal(value.ToDoubleArray(), fromYaml[key].ToDoubleArray());   // same construction order, same draws
        }
    }

    [Fact]
    public void AutoShortcutIsTheIdentityWhenTheShapeIsKeptElseAProjection()
    {
        var model = Build("""
                - conv2d: {out: 8, kernel: 3, padding: 1}
                - residual:
                    layers: [{conv2d: {out: 8, kernel: 3, padding: 1}}, relu]
                - residual:
                    activation: {leaky_relu: 0.1}
                    layers:
                      - conv2d: {out: 4, kernel: 3, stride: 3, padding: 1}
                      - residual: {layers: [relu]}
            """);
        var same = (Residual)model[1];
        Assert.Null(same.Shortcut);
        Assert.Null(same.Activation);
        var down = (Residual)model[2];
        var projection = (Conv2d)((Sequential)down.Shortcut!)[0];
        Assert.Equal((8, 4, new Size2(1, 1), new Size2(3, 3)), (projection.InChannels, projection.OutChannels, projection.KernelSize, projection.Stride));
        Assert.IsType<BatchNorm2d>(((Sequential)down.Shortcut!)[1]);
        Assert.Equal(0.1, ((LeakyReLU)down.Activation!).NegativeSlope, 12);
        Assert.IsType<Residual>(((Sequential)down.Body)[1]);
        Assert.Equal(new Shape(2, 4, 10, 10), model.Call(Tensor.Zeros(new Shape(2, 1, 28, 28))).Shape);
    }

    [Fact]
    public void TheResolvedFormNestsTheLayersAndReadsBack()
    {
        var yaml = ExperimentConfig.Parse("""
            model:
              layers:
                - residual:
                    shortcut: projection
                    activation: {leaky_relu: {negative_slope: 0.2}}
                    layers:
                      - conv2d: {out: 4, kernel: 3, padding: 1}
                      - residual: {activation: relu, layers: [batchnorm2d]}
                - adaptiveavgpool2d: 2
                - flatten
                - linear
            """, "exp.yaml").ToYaml();
        Assert.Contains("""
                - residual:
                    shortcut: projection
                    activation: {leaky_relu: {negative_slope: 0.2}}
                    layers:
                      - conv2d: {out: 4, kernel: 3, stride: 1, padding: 1, bias: true}
            """.ReplaceLineEndings("\n"), yaml.ReplaceLineEndings("\n"));
        Assert.Contains("  - adaptiveavgpool2d: {output_size: 2}", yaml);
        var again = ExperimentConfig.Parse(yaml, "resolved.yaml");
        Assert.Equal(yaml, again.ToYaml());
        Assert.Equal("projection", again.Model.Layers![0].Shortcut);
        Assert.Equal("residual", again.Model.Layers[0].Body![1].Type);
    }

    [Theory]
    [InlineData("    - residual\n", "exp.yaml:3:7: model.layers[0]: residual takes a mapping: 'layers'")]
    [InlineData("    - residual: {shortcut: identity}\n", "exp.yaml:3:17: model.layers[0].residual: missing required key 'layers'")]
    [InlineData("    - residual: {layers: []}\n", "model.layers[0].residual.layers: the residual's list of layers is empty")]
    [InlineData("    - residual: {layers: [relu], shortcut: dense}\n", "model.layers[0].residual.shortcut: 'dense' is not one of auto, identity, projection")]
    [InlineData("    - residual: {layers: [relu], activation: linear}\n", "model.layers[0].residual.activation: 'linear' is not an activation; expected none or one of relu")]
    [InlineData("    - residual: {layers: [relu], skip: 1}\n", "model.layers[0].residual.skip: unknown key 'skip'")]
    [InlineData("    - residual: {layers: [relu, {conv3d: 1}]}\n", "model.layers[0].residual.layers[1]: unknown layer 'conv3d'")]
    public void ReadErrorsNameTheFileLineAndKey(string layers, string message)
    {
        var e = Assert.Throws<ConfigException>(() => ExperimentConfig.Parse("model:\n  layers:\n" + layers, "exp.yaml"));
        Assert.Contains(message, e.Message);
    }

    [Theory]
    [InlineData("    - residual: {shortcut: identity, layers: [{conv2d: {out: 4, kernel: 3}}]}\n",
        "exp.yaml:3:7: model.layers[0]: an identity shortcut needs the layers to keep their input shape [1, 28, 28], but they give [4, 26, 26]")]
    [InlineData("    - flatten\n    - residual: {layers: [{linear: {out: 5}}]}\n",
        "exp.yaml:4:7: model.layers[1]: a projection shortcut is a 1×1 convolution and needs image input")]
    [InlineData("    - residual: {layers: [{conv2d: {out: 4, kernel: 5}}]}\n",
        "no stride of a 1×1 convolution maps the input 28x28 to the layers' output 24x24")]
    public void BuildErrorsNameTheEntry(string layers, string message)
    {
        var e = Assert.Throws<ConfigException>(() => Build(layers));
        Assert.Contains(message, e.Message);
    }
}

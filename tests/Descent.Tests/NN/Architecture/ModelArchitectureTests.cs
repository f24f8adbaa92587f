using System.Text;
using Descent.Compression.Pruning;
using Descent.Compression.Pruning.Structured;
using Descent.Compression.Pruning.Unstructured;
using Descent.Experiments;
using Descent.NN;
using Descent.NN.Architecture;
using Descent.Serialization;
using Descent.Tensors;
using Descent.Tensors.Autograd;
using Descent.Tests.Compression.Pruning.Structured;

namespace Descent.Tests.NN.Architecture;

/// <summary>
/// Checkpoints that carry the architecture: every preset and random YAML layer lists, structured-pruned (and partly
/// masked), saved and rebuilt from the file alone with identical outputs; damaged architectures give one-line errors.
/// </summary>
public sealed class ModelArchitectureTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("descent-arch-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string File(string name) => Path.Combine(_dir.FullName, name);

    public static TheoryData<string> Presets() => [.. ModelPresets.Names];

    public static TheoryData<int> Seeds() => [1, 2, 3, 4, 5];

    [Theory]
    [MemberData(nameof(Presets))]
    public void PrunedPresetsRoundTripThroughTheirCheckpoint(string preset)
    {
        var model = ModelPresets.Create(preset, 1, 16, 16, 4, dropout: 0.2, generator: new Generator(5));
        RoundTrip(model, [1, 16, 16], preset);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void PrunedRandomLayerListsRoundTripThroughTheirCheckpoint(int seed)
    {
        var yaml = StructuredPruningPropertyTests.RandomLayers(new Random(seed));
        var layers = ExperimentConfig.Parse("model:\n  layers:\n" + yaml, "random.yaml").Model.Layers!;
        int[] sample = [2, 8, 8];
        RoundTrip(LayerListBuilder.Build(layers, sample, 3, DType.Float32, new Generator(seed)), sample, $"seed {seed}");
    }

    private void RoundTrip(Sequential model, int[] sample, string what)
    {
        var before = model.StateDict().Where(kv => kv.Key.EndsWith("weight", StringComparison.Ordinal)).Select(kv => kv.Value.Shape).ToList();
        var result = new StructuredPruner(new StructuredPruningOptions { Amount = 0.5 }).Prune(model, sample);
        Assert.True(result.After.Parameters < result.Before.Parameters, what);
        // Unstructured masks on the first prunable weight as well: they are part of the architecture.
        var weights = UnstructuredPruning.Weights(model);
        UnstructuredPruning.GlobalL1(weights.Take(1).ToList(), PruneAmount.Fraction(0.3));
        model.Eval();
        var path = File("pruned.safetensors");
        model.SaveCheckpoint(path);

        var loaded = ModuleCheckpoint.LoadModel(path);
        loaded.Eval();
        Assert.Equal(model.StateDict().Keys, loaded.StateDict().Keys);
        Assert.NotEqual(before, loaded.StateDict().Where(kv => kv.Key.EndsWith("weight", StringComparison.Ordinal)).Select(kv => kv.Value.Shape).ToList());
        Assert.Equal(model.ToString(), loaded.ToString());
        var x = Tensor.Randn(new Shape([3, .. sample]), DType.Float32, new Generator(9));
        using var noGrad = GradMode.Disable();
        Assert.Equal(model.Call(x).ToArray<float>(), loaded.Call(x).ToArray<float>());
        Assert.Equal(model.MaskedParametersOf(), loaded.MaskedParametersOf());
    }

    [Fact]
    public void DescriptionIsVersionedJsonWithShapesAndMasks()
    {
        var model = new Sequential(new Linear(6, 4, dtype: DType.Float64), new ReLU(), new Linear(4, 2, bias: false, dtype: DType.Float64));
        UnstructuredPruning.L1((Linear)model[0], "weight", PruneAmount.Count(3));
        var json = ModelArchitecture.Describe(model).ToJson();
        Assert.Contains("\"version\":1", json, StringComparison.Ordinal);
        Assert.Contains("\"kind\":\"linear\",\"dtype\":\"float64\",\"options\":{\"in_features\":6,\"out_features\":4,\"bias\":true},\"masks\":[\"weight\"]", json, StringComparison.Ordinal);
        var rebuilt = ModelArchitecture.Parse(json, "x").Build();
        Assert.Equal(DType.Float64, rebuilt.StateDict()["2.weight"].DType);
        Assert.Equal(new Shape(2, 4), rebuilt.StateDict()["2.weight"].Shape);
        Assert.Equal("sequential(linear 6→4, relu, linear 4→2)", ModelArchitecture.Describe(model).ToString());
    }

    public static TheoryData<string, string> Damaged() => new()
    {
        { "truncated", "not valid JSON" },
        { "version", "version 99 is not supported" },
        { "kind", "unknown module kind 'linear9'" },
        { "option", "option 'out_features' is missing" },
        { "type", "option 'in_features' must be an integer" },
        { "children", "'children' is not an object" },
    };

    [Theory]
    [MemberData(nameof(Damaged))]
    public void DamagedArchitecturesGiveOneLineErrors(string damage, string expected)
    {
        var model = new Sequential(new Linear(6, 4), new ReLU(), new Linear(4, 2));
        var path = File("m.safetensors");
        model.SaveCheckpoint(path);
        var file = Checkpoint.Load(path);
        var json = file.Metadata[ModelArchitecture.MetadataKey];
        json = damage switch
        {
            "truncated" => json[..(json.Length / 2)],
            "version" => json.Replace("\"version\":1", "\"version\":99", StringComparison.Ordinal),
            "kind" => json.Replace("\"kind\":\"linear\"", "\"kind\":\"linear9\"", StringComparison.Ordinal),
            "option" => json.Replace(",\"out_features\":4", "", StringComparison.Ordinal),
            "type" => json.Replace("\"in_features\":6", "\"in_features\":\"six\"", StringComparison.Ordinal),
            _ => json.Replace("\"children\":{", "\"children\":5,\"x\":{", StringComparison.Ordinal),
        };
        var metadata = new Dictionary<string, string>(file.Metadata) { [ModelArchitecture.MetadataKey] = json };
        Checkpoint.Save(path, file, metadata);
        var e = Assert.Throws<InvalidDataException>(() => ModuleCheckpoint.LoadModel(path));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.StartsWith(path, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void WeightsThatDoNotFitTheArchitectureNameBothShapes()
    {
        var path = File("m.safetensors");
        new Sequential(new Linear(6, 4), new ReLU(), new Linear(4, 2)).SaveCheckpoint(path);
        var file = Checkpoint.Load(path);
        var other = new Sequential(new Linear(6, 5), new ReLU(), new Linear(5, 2)).StateDict();
        Checkpoint.Save(path, other, file.Metadata);
        var e = Assert.Throws<InvalidDataException>(() => ModuleCheckpoint.LoadModel(path));
        Assert.Contains("'0.weight' has shape [5, 6], but the architecture's layer needs [4, 6]", e.Message, StringComparison.Ordinal);

        // A file without an architecture says so.
        Checkpoint.Save(path, other);
        Assert.Contains("holds no architecture", Assert.Throws<InvalidDataException>(() => ModuleCheckpoint.LoadModel(path)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnregisteredModulesAreNamedAndCanBeRegistered()
    {
        var model = new Sequential(new Linear(3, 3), new Scale(2.5));
        var e = Assert.Throws<NotSupportedException>(() => ModelArchitecture.Describe(model));
        Assert.Contains("layer '1'", e.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(Scale), e.Message, StringComparison.Ordinal);
        Assert.Contains("ModuleKinds.Register", e.Message, StringComparison.Ordinal);
        // Saving still works (without an architecture) ...
        var path = File("m.safetensors");
        model.SaveCheckpoint(path);
        Assert.False(Checkpoint.Load(path).Metadata.ContainsKey(ModelArchitecture.MetadataKey));

        // ... and a registered kind is described and rebuilt.
        ModuleKinds.Register<Scale>("test_scale", (m, o) => o.Set("factor", m.Factor), c => new Scale(c.Options.Double("factor")));
        model.SaveCheckpoint(path);
        var loaded = (Sequential)ModuleCheckpoint.LoadModel(path);
        Assert.Equal(2.5, ((Scale)loaded[1]).Factor);
        Assert.Equal("test_scale", ModuleKinds.KindOf(typeof(Scale)));
    }

    private sealed class Scale(double factor) : Module
    {
        public double Factor { get; } = factor;

        public override Tensor Forward(Tensor input) => input * Factor;
    }
}

internal static class MaskListing
{
    public static string MaskedParametersOf(this Module model) =>
        new StringBuilder().AppendJoin(';', model.NamedModules().SelectMany(m => m.Module.MaskedParameters.Select(p => $"{m.Name}.{p}"))).ToString();
}

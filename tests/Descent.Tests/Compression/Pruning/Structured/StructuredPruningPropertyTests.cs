using Descent.Compression.Pruning.Structured;
using Descent.Experiments;
using Descent.NN;
using Descent.Tensors;
using Descent.Tensors.Autograd;
using Descent.Tests.Fixtures;

namespace Descent.Tests.Compression.Pruning.Structured;

/// <summary>
/// The defining property of structured pruning: a pruned model computes exactly what the original computes with the
/// removed channels' activations zeroed after their last coupled op (right before the layers that read them), for
/// every preset and for random YAML layer lists, on random inputs, with random weights, statistics and selections.
/// </summary>
public class StructuredPruningPropertyTests
{
    public static TheoryData<string> Presets() => [.. ModelPresets.Names];

    public static TheoryData<int> Seeds() => [1, 2, 3, 4, 5, 6, 7, 8];

    [Theory]
    [MemberData(nameof(Presets))]
    public void PresetsPrunedEqualOriginalsWithZeroedChannels(string preset)
    {
        int[] sample = [1, 16, 16];
        Check(() => ModelPresets.Create(preset, 1, 16, 16, 4, dtype: DType.Float64, generator: new Generator(3)), sample, seed: preset.Length);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void RandomLayerListsPrunedEqualOriginalsWithZeroedChannels(int seed)
    {
        var yaml = RandomLayers(new Random(seed));
        var layers = ExperimentConfig.Parse("model:\n  layers:\n" + yaml, "random.yaml").Model.Layers!;
        int[] sample = [2, 8, 8];
        Check(() => LayerListBuilder.Build(layers, sample, 3, DType.Float64, new Generator(seed)), sample, seed);
    }

    private static void Check(Func<Sequential> build, int[] sample, int seed)
    {
        var random = new Random(seed);
        var pruned = build();
        var reference = build();
        Randomize(pruned, random);
        reference.LoadStateDict(pruned.StateDict());
        pruned.Eval();
        reference.Eval();

        var graph = DependencyGraph.Build(pruned, sample);
        var plan = new Dictionary<PruningGroup, int[]>();
        foreach (var group in graph.PrunableGroups)
        {
            int keep = random.Next(1, group.Channels + 1);
            plan[group] = [.. Enumerable.Range(0, group.Channels).OrderBy(_ => random.Next()).Take(keep).Order()];
        }
        Assert.NotEmpty(plan);
        ChannelRemoval.Apply(pruned, plan);
        foreach (var (group, kept) in plan)
        {
            int[] removed = [.. Enumerable.Range(0, group.Channels).Except(kept)];
            foreach (var consumer in group.Members.Where(m => m.Role == GroupRole.Consumer))
            {
                var layer = reference.GetSubmodule(consumer.Path);
                int width = layer is Linear l ? l.InFeatures : ((Conv2d)layer).InChannels;
                reference.ReplaceSubmodule(consumer.Path, new Sequential(new ZeroFeatures(width, consumer.IndicesOf(removed)), layer));
            }
        }

        var x = Tensor.Randn(new Shape([5, .. sample]), DType.Float64, new Generator(seed));
        using var noGrad = GradMode.Disable();
        var expected = reference.Call(x).ToDoubleArray();
        Tolerance.SingleOp.AssertClose(pruned.Call(x).ToDoubleArray(), expected, $"pruned model, seed {seed}:\n{graph.Describe()}");
        Assert.True(pruned.ParameterCount < reference.ParameterCount || plan.All(p => p.Value.Length == p.Key.Channels));
    }

    /// <summary>Random weights and BatchNorm statistics, so a wrong slice cannot hide behind default values.</summary>
    private static void Randomize(Module model, Random random)
    {
        var state = new StateDict();
        foreach (var (name, value) in model.StateDict())
        {
            if (value.DType != DType.Float64) { state.Add(name, value); continue; }
            var data = new double[value.Numel];
            for (int i = 0; i < data.Length; i++)
                data[i] = name.EndsWith("running_var", StringComparison.Ordinal) ? 0.5 + random.NextDouble() : random.NextDouble() * 2 - 1;
            state.Add(name, Tensor.FromArray(data, value.Shape.ToArray()));
        }
        model.LoadStateDict(state);
    }

    /// <summary>An image part (convolutions, residual entries, pooling) and a dense part, in random combinations.</summary>
    internal static string RandomLayers(Random random)
    {
        string[] activations = ["relu", "elu", "tanh", "sigmoid", "gelu", "silu", "leaky_relu"];
        string Act() => activations[random.Next(activations.Length)];
        var lines = new List<string>();
        int convs = random.Next(1, 4);
        for (int i = 0; i < convs; i++)
        {
            switch (random.Next(3))
            {
                case 0:
                    lines.Add($"- residual:\n      layers: [{{conv2d: {{out: {random.Next(2, 6)}, kernel: 3, padding: 1}}}}, batchnorm2d, {Act()}, {{conv2d: {{out: {random.Next(2, 6)}, kernel: 3, padding: 1}}}}]\n      activation: {Act()}");
                    break;
                default:
                    lines.Add($"- conv2d: {{out: {random.Next(2, 7)}, kernel: {(random.Next(2) == 0 ? 1 : 3)}, padding: 1}}");
                    if (random.Next(2) == 0) lines.Add("- batchnorm2d");
                    lines.Add($"- {Act()}");
                    break;
            }
            if (i == 0 && random.Next(2) == 0) lines.Add(random.Next(2) == 0 ? "- maxpool2d: 2" : "- avgpool2d: 2");
        }
        if (random.Next(3) == 0) lines.Add("- adaptiveavgpool2d: 2");
        lines.Add("- flatten");
        int dense = random.Next(0, 3);
        for (int i = 0; i < dense; i++)
        {
            lines.Add($"- linear: {random.Next(3, 9)}");
            if (random.Next(2) == 0) lines.Add("- batchnorm1d");
            lines.Add($"- {Act()}");
            if (random.Next(2) == 0) lines.Add("- dropout: 0.3");
        }
        lines.Add("- linear");
        return string.Join("\n", lines.Select(l => "    " + l.Replace("\n", "\n    ", StringComparison.Ordinal))) + "\n";
    }

    /// <summary>Multiplies the given features (dim 1) by zero: the original model's stand-in for removed channels.</summary>
    private sealed class ZeroFeatures : Module
    {
        private readonly Tensor _mask;

        public ZeroFeatures(int width, int[] zeroed)
        {
            var mask = Enumerable.Repeat(1.0, width).ToArray();
            foreach (var i in zeroed) mask[i] = 0;
            _mask = Tensor.FromArray(mask, width);
        }

        public override Tensor Forward(Tensor input)
        {
            var shape = Enumerable.Repeat(1, input.Rank).ToArray();
            shape[1] = _mask.Numel;
            return input * _mask.Reshape(shape);
        }
    }
}

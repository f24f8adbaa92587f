using System.Text.Json;
using Descent.NN;
using Descent.Tensors;
using Descent.Tests.Fixtures;

namespace Descent.Tests.NN;

/// <summary>
/// structured_pruning.json: the models (Sequential, ResidualBlock) load PyTorch's state dicts under the same names
/// and reproduce its outputs, and physically removing the fixture's kept channels with <c>Keep</c> and
/// <c>ReplaceSubmodule</c> gives PyTorch's pruned state dict, parameter count and output. The channels to keep are
/// taken from the fixture (choosing them is the pruning engine's job); the slicing and surgery are under test.
/// </summary>
[Trait("Category", "Fixtures")]
[FixtureReader("structured_pruning.json")]
public class KeepFixtureTests
{
    private const string File = "structured_pruning.json";

    public static TheoryData<string> Cases() => FixtureFiles.CaseData(File);

    [Theory]
    [MemberData(nameof(Cases))]
    public void KeepAndReplaceSubmoduleReproducePyTorchsPrunedModel(string name)
    {
        var c = FixtureFiles.Case(File, name);
        var inputs = c.GetProperty("inputs");
        var outputs = c.GetProperty("outputs");
        var model = Build(c.GetProperty("model"));
        var state = new StateDict();
        foreach (var (k, v) in FixtureJson.ToTensorDictionary(inputs.GetProperty("state_dict"))) state.Add(k, v);
        model.LoadStateDict(state);
        model.Eval();
        var x = FixtureJson.ToTensor(inputs.GetProperty("x"));
        Tolerance.SingleOp.AssertClose(model.Call(x), outputs.GetProperty("output_original"), $"{name}: output before pruning");
        Assert.Equal(outputs.GetProperty("params_before").GetInt64(), model.ParameterCount);

        foreach (var target in c.GetProperty("prune").EnumerateArray().Select(p => p.GetProperty("target").GetString()!))
        {
            var kept = FixtureJson.ToTensor(outputs.GetProperty("kept").GetProperty(target)).ToDoubleArray().Select(v => (int)v).ToArray();
            RemoveChannels(model, target, kept);
        }

        var expected = outputs.GetProperty("pruned_state_dict");
        Assert.Equal(expected.EnumerateObject().Select(p => p.Name), model.StateDict().Keys);
        foreach (var (key, value) in model.StateDict())
            Tolerance.SingleOp.AssertClose(value, expected.GetProperty(key), $"{name}: pruned {key}");
        Assert.Equal(outputs.GetProperty("params_after").GetInt64(), model.ParameterCount);
        Tolerance.SingleOp.AssertClose(model.Call(x), outputs.GetProperty("output"), $"{name}: output after pruning");
        // PyTorch's pruned architecture has the same names and shapes.
        var pruned = Build(outputs.GetProperty("pruned_model"));
        Assert.Equal(pruned.StateDict().Select(kv => (kv.Key, kv.Value.Shape)), model.StateDict().Select(kv => (kv.Key, kv.Value.Shape)));
    }

    /// <summary>
    /// The fixture's slicing rule: the target's output channels, the BatchNorm right after it, and the input channels
    /// of the next Linear/Conv2d (column blocks of H·W across a Flatten); in a ResidualBlock conv1 → bn1 → conv2's inputs.
    /// </summary>
    private static void RemoveChannels(Sequential model, string target, int[] kept)
    {
        if (model.GetSubmodule(target) is Conv2d { } conv1 && target.EndsWith(".conv1", StringComparison.Ordinal))
        {
            var block = target[..^".conv1".Length];
            model.ReplaceSubmodule(target, conv1.Keep(outChannels: kept));
            model.ReplaceSubmodule(block + ".bn1", ((BatchNorm2d)model.GetSubmodule(block + ".bn1")).Keep(kept));
            model.ReplaceSubmodule(block + ".conv2", ((Conv2d)model.GetSubmodule(block + ".conv2")).Keep(inChannels: kept));
            return;
        }
        int i = int.Parse(target, System.Globalization.CultureInfo.InvariantCulture);
        int original = model[i] is Linear t ? t.OutFeatures : ((Conv2d)model[i]).OutChannels;
        model[i] = model[i] switch
        {
            Linear l => l.Keep(outputs: kept),
            Conv2d cv => cv.Keep(outChannels: kept),
            var other => throw new InvalidOperationException($"target {target} is a {other.TypeName}"),
        };
        bool flattened = false;
        for (int j = i + 1; j < model.Count; j++)
        {
            switch (model[j])
            {
                case BatchNorm1d bn when j == i + 1: model[j] = bn.Keep(kept); break;
                case BatchNorm2d bn when j == i + 1: model[j] = bn.Keep(kept); break;
                case Flatten: flattened = true; break;
                case Linear next:
                    int block = flattened ? next.InFeatures / original : 1;   // H·W of the flattened feature map
                    model[j] = next.Keep(inputs: kept.SelectMany(k => Enumerable.Range(k * block, block)).ToArray());
                    return;
                case Conv2d next:
                    model[j] = next.Keep(inChannels: kept);
                    return;
            }
        }
    }

    private static Sequential Build(JsonElement spec) => FixtureSequential.Build(spec);
}

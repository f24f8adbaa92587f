using System.Text.Json;
using Descent.Compression.Pruning;
using Descent.Compression.Pruning.Structured;
using Descent.NN;
using Descent.Tensors;
using Descent.Tests.Fixtures;

namespace Descent.Tests.Compression.Pruning.Structured;

/// <summary>
/// structured_pruning.json end to end through the pruning engine, in Float64 and Float32: the dependency trace finds
/// each target's group, <see cref="ChannelImportance"/> reproduces PyTorch's importance, <see cref="ChannelSelection"/>
/// the number pruned and the kept indices, <see cref="ChannelRemoval"/> the pruned state dict (names, order, values),
/// architecture and outputs, and <see cref="ModelComplexity"/> the parameter and MAC counts before and after. Unknown
/// fields, criteria and layer types fail, so a fixture with more in it cannot pass by being half read.
/// </summary>
[Trait("Category", "Fixtures")]
[FixtureReader("structured_pruning.json")]
public class StructuredPruningFixtureTests
{
    private const string File = "structured_pruning.json";

    private static readonly string[] CaseFields = ["name", "model", "prune", "notes", "inputs", "outputs"];
    private static readonly string[] PruneFields = ["target", "criterion", "amount", "amount_is_int"];
    private static readonly string[] InputFields = ["x", "state_dict"];
    private static readonly string[] OutputFields =
        ["importance", "num_pruned", "kept", "pruned_model", "pruned_state_dict", "output_original", "output", "params_before", "params_after", "macs_before", "macs_after"];

    public static TheoryData<string> Cases() => FixtureFiles.CaseData(File);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Float64MatchesPyTorch(string name) => Run(name, DType.Float64);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Float32MatchesPyTorch(string name) => Run(name, DType.Float32);

    private static void Run(string name, DType dtype)
    {
        var c = FixtureFiles.Case(File, name);
        CheckFields(c, CaseFields, name);
        var inputs = c.GetProperty("inputs");
        var outputs = c.GetProperty("outputs");
        CheckFields(inputs, InputFields, $"{name}.inputs");
        CheckFields(outputs, OutputFields, $"{name}.outputs");
        var tolerance = Tolerance.For(dtype, Tolerance.SingleOp);

        var model = FixtureSequential.Build(c.GetProperty("model"), dtype);
        var state = new StateDict();
        foreach (var (k, v) in FixtureJson.ToTensorDictionary(inputs.GetProperty("state_dict"), dtype)) state.Add(k, v);
        model.LoadStateDict(state);
        model.Eval();
        var x = FixtureJson.ToTensor(inputs.GetProperty("x"), dtype);
        int[] sample = x.Shape.ToArray()[1..];
        tolerance.AssertClose(model.Call(x), outputs.GetProperty("output_original"), $"{name}: output before pruning");
        var before = ModelComplexity.Measure(model, sample);
        Assert.Equal(outputs.GetProperty("params_before").GetInt64(), before.Parameters);
        Assert.Equal(outputs.GetProperty("macs_before").GetInt64(), before.Macs);

        // All importances come from the original model, also when several layers are pruned in one case.
        var graph = DependencyGraph.Build(model, sample);
        var plan = new Dictionary<PruningGroup, int[]>();
        foreach (var request in c.GetProperty("prune").EnumerateArray())
        {
            CheckFields(request, PruneFields, $"{name}.prune");
            var target = request.GetProperty("target").GetString()!;
            var group = graph.GroupOf(target);
            Assert.True(group.CanPrune, $"{name}: {group.Describe()}");
            var scores = ChannelImportance.Compute(group, Criterion(request.GetProperty("criterion").GetString()!, name));
            tolerance.AssertClose(Tensor.FromArray(scores, scores.Length), outputs.GetProperty("importance").GetProperty(target), $"{name}: importance of {target}");
            var amount = request.GetProperty("amount_is_int").GetBoolean()
                ? PruneAmount.Count(request.GetProperty("amount").GetInt32())
                : PruneAmount.Fraction(request.GetProperty("amount").GetDouble());
            var kept = ChannelSelection.Keep(scores, amount, layer: target);
            Assert.Equal(outputs.GetProperty("num_pruned").GetProperty(target).GetInt32(), group.Channels - kept.Length);
            Assert.Equal(FixtureJson.Data(outputs.GetProperty("kept").GetProperty(target)).Select(v => (int)v), kept);
            plan.Add(group, kept);
        }
        Assert.Equal(plan.Count, outputs.GetProperty("kept").EnumerateObject().Count());
        ChannelRemoval.Apply(model, plan);

        var expected = outputs.GetProperty("pruned_state_dict");
        Assert.Equal(expected.EnumerateObject().Select(p => p.Name), model.StateDict().Keys);
        foreach (var (key, value) in model.StateDict())
            tolerance.AssertClose(value, expected.GetProperty(key), $"{name}: pruned {key}");
        var pruned = FixtureSequential.Build(outputs.GetProperty("pruned_model"), dtype);
        Assert.Equal(pruned.StateDict().Select(kv => (kv.Key, kv.Value.Shape)), model.StateDict().Select(kv => (kv.Key, kv.Value.Shape)));
        var after = ModelComplexity.Measure(model, sample);
        Assert.Equal(outputs.GetProperty("params_after").GetInt64(), after.Parameters);
        Assert.Equal(outputs.GetProperty("macs_after").GetInt64(), after.Macs);
        tolerance.AssertClose(model.Call(x), outputs.GetProperty("output"), $"{name}: output after pruning");
    }

    private static ImportanceCriterion Criterion(string name, string caseName) => name switch
    {
        "l1" => ImportanceCriterion.L1,
        "l2" => ImportanceCriterion.L2,
        "bn_scale" => ImportanceCriterion.BnScale,
        _ => throw new InvalidDataException($"{File} case '{caseName}': unknown criterion '{name}'."),
    };

    private static void CheckFields(JsonElement element, string[] known, string where)
    {
        foreach (var p in element.EnumerateObject())
            if (!known.Contains(p.Name)) throw new InvalidDataException($"{File} {where}: unknown field '{p.Name}'.");
    }
}

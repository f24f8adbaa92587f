using System.Text.Json;
using Descent.Compression.Pruning;
using Descent.Compression.Pruning.Unstructured;
using Descent.NN;
using Descent.Tensors;
using Descent.Tensors.Autograd;
using Descent.Tests.Fixtures;

namespace Descent.Tests.Compression.Pruning;

/// <summary>
/// Every case of pruning.json (torch.nn.utils.prune masks from PyTorch 1.13): masks and pruned weights must match
/// exactly (they are 0/1 selections), and the pruned count too, in Float64 and Float32. An unknown function fails.
/// The unstructured cases run a second time through UnstructuredPruning on layers holding the tensors (mask buffers).
/// </summary>
[Trait("Category", "Fixtures")]
[FixtureReader("pruning.json")]
public class PruningFixtureTests
{
    public static TheoryData<string> Cases() => FixtureFiles.CaseData("pruning.json");

    [Theory]
    [MemberData(nameof(Cases))]
    public void Float64MatchesPyTorch(string name) => Run(name, DType.Float64);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Float32MatchesPyTorch(string name) => Run(name, DType.Float32);

    private static void Run(string name, DType dtype)
    {
        var c = FixtureFiles.Case("pruning.json", name);
        var config = c.GetProperty("config");
        var weights = FixtureJson.ToTensors(c.GetProperty("inputs").GetProperty("weights"), dtype);
        var amount = config.GetProperty("amount_is_int").GetBoolean()
            ? PruneAmount.Count(config.GetProperty("amount").GetInt32())
            : PruneAmount.Fraction(config.GetProperty("amount").GetDouble());
        string function = c.GetProperty("function").GetString()!;
        IReadOnlyList<Tensor> masks = function switch
        {
            "l1_unstructured" => [MagnitudePruning.L1UnstructuredMask(Assert.Single(weights), amount)],
            "ln_structured" => [MagnitudePruning.LnStructuredMask(Assert.Single(weights), amount, Norm(config.GetProperty("n")), config.GetProperty("dim").GetInt32())],
            "global_unstructured" => GlobalMasks(weights, amount, config),
            _ => throw new InvalidDataException($"pruning.json case '{name}': unknown function '{function}'."),
        };
        var outputs = c.GetProperty("outputs");
        var expectedMasks = FixtureJson.ToTensors(outputs.GetProperty("masks"));
        var expectedPruned = FixtureJson.ToTensors(outputs.GetProperty("pruned_weights"));
        Assert.Equal(expectedMasks.Length, masks.Count);
        long pruned = 0;
        for (int i = 0; i < masks.Count; i++)
        {
            Assert.Equal(dtype, masks[i].DType);
            Assert.Equal(expectedMasks[i].Shape, masks[i].Shape);
            Assert.Equal(expectedMasks[i].ToDoubleArray(), masks[i].ToDoubleArray());
            var applied = MagnitudePruning.Apply(weights[i], masks[i]).ToDoubleArray();
            var expected = expectedPruned[i].ToDoubleArray();
            for (int j = 0; j < expected.Length; j++)
                Assert.True(Tolerance.For(dtype, Tolerance.SingleOp).Accepts(applied[j], expected[j]), $"{name}: pruned weight {i}[{j}] {applied[j]} vs {expected[j]}");
            pruned += MagnitudePruning.CountPruned(masks[i]);
        }
        Assert.Equal(outputs.GetProperty("num_pruned").GetInt64(), pruned);
        if (function != "ln_structured") CheckInModules(name, function, FixtureJson.ToTensors(c.GetProperty("inputs").GetProperty("weights"), dtype), amount, expectedMasks, expectedPruned);
    }

    // The same pruning through UnstructuredPruning on layers holding the fixture's tensors: the mask buffers and the
    // weights the layers compute with must be PyTorch's.
    private static void CheckInModules(string name, string function, Tensor[] weights, PruneAmount amount, Tensor[] expectedMasks, Tensor[] expectedPruned)
    {
        var holders = weights.Select(w => Holder(w, name)).ToList();
        var masks = function == "l1_unstructured"
            ? [UnstructuredPruning.L1(holders[0].Module, holders[0].Name, amount)]
            : UnstructuredPruning.GlobalL1(holders, amount);
        for (int i = 0; i < holders.Count; i++)
        {
            Assert.Same(holders[i].Mask, masks[i]);
            Assert.Equal(expectedMasks[i].ToDoubleArray(), masks[i].ToDoubleArray());
            var effective = MagnitudePruning.Apply(holders[i].Parameter, masks[i]).ToDoubleArray();
            Assert.Equal(expectedPruned[i].To(weights[i].DType).ToDoubleArray(), effective);
        }
    }

    // A layer whose parameter has the tensor's shape: a bias for 1-D, a Linear, Conv1d or Conv2d weight otherwise.
    private static PrunableParameter Holder(Tensor value, string caseName)
    {
        var s = value.Shape;
        var dtype = value.DType;
        (Module module, string parameter) = value.Rank switch
        {
            1 => ((Module)new Linear(1, s[0], dtype: dtype), "bias"),
            2 => (new Linear(s[1], s[0], dtype: dtype), "weight"),
            3 => (new Conv1d(s[1], s[0], s[2], dtype: dtype), "weight"),
            4 => (new Conv2d(s[1], s[0], (s[2], s[3]), dtype: dtype), "weight"),
            _ => throw new InvalidDataException($"pruning.json case '{caseName}': no layer holds a {value.Rank}-d tensor."),
        };
        var holder = new PrunableParameter("", module, parameter);
        using (GradMode.Disable()) holder.Parameter.CopyFrom(value);
        return holder;
    }

    private static IReadOnlyList<Tensor> GlobalMasks(Tensor[] weights, PruneAmount amount, JsonElement config)
    {
        var method = config.GetProperty("pruning_method").GetString();
        if (method != "L1Unstructured") throw new InvalidDataException($"global_unstructured: pruning_method '{method}' is not supported.");
        return MagnitudePruning.GlobalUnstructuredMasks(weights, amount);
    }

    private static double Norm(JsonElement n) => n.ValueKind switch
    {
        JsonValueKind.Number => n.GetDouble(),
        JsonValueKind.String when n.GetString() is "inf" or "Infinity" => double.PositiveInfinity,
        _ => throw new InvalidDataException($"ln_structured: norm order {n} is not supported."),
    };
}

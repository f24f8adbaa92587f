using System.Text.Json;
using Descent.Compression.Pruning.Schedules;
using Descent.Tests.Fixtures;

namespace Descent.Tests.Compression.Pruning.Schedules;

/// <summary>
/// sparsity_schedules.json (tfmot PolynomialDecay and ConstantSparsity evaluated in float64): the sparsity at every
/// step to within a few ulps and the pruning steps exactly. The schedules are built from each case's hyperparameters
/// only; an unknown schedule, a missing or unknown field fails, so a hidden set with other values is checked the same way.
/// </summary>
[Trait("Category", "Fixtures")]
[FixtureReader("sparsity_schedules.json")]
public class SparsityScheduleFixtureTests
{
    private const string File = "sparsity_schedules.json";

    private static readonly string[] CaseFields =
        ["name", "schedule", "hyperparams", "formula", "should_prune_rule", "notes", "num_steps", "steps", "sparsity", "should_prune"];

    public static TheoryData<string> Cases() => FixtureFiles.CaseData(File);

    [Theory]
    [MemberData(nameof(Cases))]
    public void SparsityAndPruningStepsMatchTfmot(string name)
    {
        var c = FixtureFiles.Case(File, name);
        foreach (var p in c.EnumerateObject())
            if (!CaseFields.Contains(p.Name)) throw new InvalidDataException($"{File} case '{name}': unknown field '{p.Name}'.");
        var schedule = Create(c.GetProperty("schedule").GetString()!, c.GetProperty("hyperparams"), name);
        long numSteps = Integer(c.GetProperty("num_steps"), "num_steps", name);
        var steps = c.GetProperty("steps").EnumerateArray().Select(s => Integer(s, "steps", name)).ToArray();
        var sparsity = FixtureJson.Doubles(c.GetProperty("sparsity"));
        var shouldPrune = c.GetProperty("should_prune").EnumerateArray().Select(b => b.GetBoolean()).ToArray();
        Assert.Equal(numSteps + 1, steps.Length);
        Assert.Equal(steps.Length, sparsity.Length);
        Assert.Equal(steps.Length, shouldPrune.Length);
        for (int i = 0; i < steps.Length; i++)
        {
            double actual = schedule.Sparsity(steps[i]);
            Assert.True(Math.Abs(actual - sparsity[i]) <= 4 * Ulp(sparsity[i]),
                $"{name}: sparsity at step {steps[i]} is {actual:R}, tfmot {sparsity[i]:R}");
            Assert.True(shouldPrune[i] == schedule.ShouldPrune(steps[i]), $"{name}: should_prune at step {steps[i]}: expected {shouldPrune[i]}");
        }
    }

    private static ISparsitySchedule Create(string schedule, JsonElement h, string name)
    {
        var values = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var p in h.EnumerateObject()) values[p.Name] = p.Value;
        string[] expected = schedule switch
        {
            "PolynomialDecay" => ["initial_sparsity", "final_sparsity", "begin_step", "end_step", "power", "frequency"],
            "ConstantSparsity" => ["target_sparsity", "begin_step", "end_step", "frequency"],
            _ => throw new InvalidDataException($"{File} case '{name}': unknown schedule '{schedule}'."),
        };
        var unknown = values.Keys.Except(expected).ToList();
        var missing = expected.Except(values.Keys).ToList();
        if (unknown.Count > 0 || missing.Count > 0)
            throw new InvalidDataException($"{File} case '{name}': {schedule} hyperparams unknown [{string.Join(", ", unknown)}], missing [{string.Join(", ", missing)}].");
        long Step(string key) => Integer(values[key], key, name);
        return schedule == "PolynomialDecay"
            ? new PolynomialDecaySparsity(values["initial_sparsity"].GetDouble(), values["final_sparsity"].GetDouble(), Step("begin_step"),
                Step("end_step"), values["power"].GetDouble(), Step("frequency"))
            : new ConstantSparsity(values["target_sparsity"].GetDouble(), Step("begin_step"), Step("end_step"), Step("frequency"));
    }

    // tfmot's formula evaluated as written gives the fixture's doubles; allow a few ulps for a different libm pow.
    private static double Ulp(double x) => Math.BitIncrement(Math.Abs(x)) - Math.Abs(x);

    // Integer-valued fields may be written 10 or 10.0.
    private static long Integer(JsonElement e, string field, string name)
    {
        double v = e.GetDouble();
        if (v != Math.Floor(v)) throw new InvalidDataException($"{File} case '{name}': {field} = {v} is not an integer.");
        return (long)v;
    }
}

using Descent.Optim;
using Descent.Tensors;

namespace Descent.Tests.Optim;

/// <summary>Optimizer state dicts: a resumed optimizer continues exactly; loads are validated with clear messages.</summary>
public class StateDictTests
{
    public static TheoryData<string, string> Configurations => new()
    {
        { "SGD", "momentum=0.9" }, { "SGD", "momentum=0.8,nesterov=true,weight_decay=0.01" }, { "SGD", "momentum=0.9,momentum_style=ema" },
        { "Adam", "" }, { "Adam", "amsgrad=true,weight_decay=0.1" }, { "AdamW", "amsgrad=true" }, { "Adagrad", "lr_decay=0.1,initial_accumulator_value=0.2" },
        { "RMSprop", "centered=true,momentum=0.5" }, { "Adamax", "" }, { "NAdam", "weight_decay=0.01" }, { "RAdam", "" },
        { "Adadelta", "" }, { "GradientDescent", "" },
    };

    private static Dictionary<string, object?> Parse(string spec)
    {
        var d = new Dictionary<string, object?>();
        foreach (var kv in spec.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var (k, v) = (kv.Split('=')[0], kv.Split('=')[1]);
            d[k] = v is "true" or "false" ? bool.Parse(v) : double.TryParse(v, System.Globalization.CultureInfo.InvariantCulture, out var x) ? x : v;
        }
        d["lr"] = 0.05;
        return d;
    }

    private static Tensor[] MakeParams(DType dtype, long seed)
    {
        var gen = new Generator(seed);
        Tensor Make(params int[] shape)
        {
            var t = Tensor.Zeros(new Shape(shape), dtype);
            for (int i = 0; i < t.Numel; i++) t.SetDouble(i, gen.NextNormal());
            return t.RequiresGradInPlace();
        }
        return [Make(3, 2), Make(4)];
    }

    private static void FeedGradients(Tensor[] ps, int step)
    {
        var gen = new Generator(1000 + step);
        foreach (var p in ps)
        {
            var g = Tensor.Zeros(p.Shape, p.DType);
            for (int i = 0; i < g.Numel; i++) g.SetDouble(i, gen.NextNormal());
            p.Grad = g;
        }
    }

    [Theory]
    [MemberData(nameof(Configurations))]
    public void ResumedOptimizerContinuesIdentically(string name, string spec)
    {
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
        {
            var a = MakeParams(dtype, 1);
            var optA = OptimizerFactory.Create(name, a, Parse(spec));
            for (int k = 0; k < 5; k++) { FeedGradients(a, k); optA.Step(); }
            var saved = optA.StateDict();
            var snapshot = a.Select(p => p.Detach().Clone()).ToArray();
            var savedCopy = saved.State.ToDictionary(e => e.Key, e => e.Value.ToDictionary(
                kv => kv.Key, kv => kv.Value is Tensor t ? (object?)t.ToDoubleArray() : kv.Value));
            for (int k = 5; k < 10; k++) { FeedGradients(a, k); optA.Step(); }

            // The saved dict is a snapshot: later steps did not change it.
            foreach (var (ordinal, entry) in saved.State)
                foreach (var (key, value) in entry)
                    if (value is Tensor t) Assert.Equal((double[])savedCopy[ordinal][key]!, t.ToDoubleArray());

            // A fresh optimizer with other hyperparameters takes them, and the state, from the dict.
            var b = snapshot.Select(p => p.RequiresGradInPlace()).ToArray();
            var optB = OptimizerFactory.Create(name, b, new Dictionary<string, object?> { ["lr"] = 0.7 });
            optB.LoadStateDict(saved);
            Assert.Equal(0.05, optB.ParamGroups[0].Lr);
            for (int k = 5; k < 10; k++) { FeedGradients(b, k); optB.Step(); }
            for (int i = 0; i < a.Length; i++)
                Assert.Equal(a[i].ToDoubleArray(), b[i].ToDoubleArray());
        }
    }

    [Fact]
    public void LoadingIntoFloat32ConvertsFloat64State()
    {
        var a = MakeParams(DType.Float64, 2);
        var optA = new Adam(a);
        FeedGradients(a, 0);
        optA.Step();
        var b = MakeParams(DType.Float32, 2);
        var optB = new Adam(b);
        optB.LoadStateDict(optA.StateDict());
        Assert.Equal(DType.Float32, optB.GetState(b[0])!.ExpAvg.DType);
        Assert.Equal(optA.GetState(a[0])!.ExpAvg.ToFloatArray(), optB.GetState(b[0])!.ExpAvg.ToFloatArray());
    }

    private static (Adam Optimizer, Tensor[] Params, OptimizerStateDict Dict) Stepped()
    {
        var ps = MakeParams(DType.Float64, 3);
        var opt = new Adam(ps);
        FeedGradients(ps, 0);
        opt.Step();
        return (opt, ps, opt.StateDict());
    }

    [Fact]
    public void MismatchesAreReportedClearly()
    {
        var (_, _, dict) = Stepped();

        var other = new AdamW(MakeParams(DType.Float64, 3));
        Assert.Contains("saved by Adam, not AdamW", Assert.Throws<ArgumentException>(() => other.LoadStateDict(dict)).Message);

        var oneParam = new Adam([MakeParams(DType.Float64, 3)[0]]);
        Assert.Contains("has 2 parameters, this optimizer's has 1", Assert.Throws<ArgumentException>(() => oneParam.LoadStateDict(dict)).Message);

        var twoGroups = new Adam([MakeParams(DType.Float64, 3)[0]]);
        twoGroups.AddParamGroup([MakeParams(DType.Float64, 4)[1]], null);
        Assert.Contains("1 parameter groups, this optimizer has 2", Assert.Throws<ArgumentException>(() => twoGroups.LoadStateDict(dict)).Message);

        var wrongShape = new Adam([Tensor.Zeros(new Shape(2, 3), DType.Float64).RequiresGradInPlace(), Tensor.Zeros(new Shape(4), DType.Float64).RequiresGradInPlace()]);
        var e = Assert.Throws<ArgumentException>(() => wrongShape.LoadStateDict(dict));
        Assert.Contains("parameter 0 (shape [2, 3])", e.Message);
        Assert.Contains("has shape [3, 2], expected [2, 3]", e.Message);
    }

    [Fact]
    public void MissingUnknownAndOutOfRangeEntriesAreRejectedAndNothingChanges()
    {
        var (opt, ps, dict) = Stepped();
        var before = opt.GetState(ps[0])!.ExpAvg;

        var missing = Clone(dict);
        missing.State[0].Remove("exp_avg_sq");
        Assert.Contains("missing 'exp_avg_sq'", Assert.Throws<ArgumentException>(() => opt.LoadStateDict(missing)).Message);

        var extra = Clone(dict);
        extra.State[1]["momentum_buffer"] = null;
        Assert.Contains("unexpected entry 'momentum_buffer'", Assert.Throws<ArgumentException>(() => opt.LoadStateDict(extra)).Message);

        var outOfRange = Clone(dict);
        outOfRange.State[7] = outOfRange.State[0];
        Assert.Contains("state for parameter 7, but this optimizer has 2 parameters", Assert.Throws<ArgumentException>(() => opt.LoadStateDict(outOfRange)).Message);

        var badHyper = Clone(dict);
        badHyper.ParamGroups[0]["momentum"] = 0.9;
        Assert.Contains("unknown hyperparameter 'momentum'", Assert.Throws<ArgumentException>(() => opt.LoadStateDict(badHyper)).Message);

        var badStep = Clone(dict);
        badStep.State[0]["step"] = 1.5;
        Assert.Contains("'step' must be a non-negative whole number", Assert.Throws<ArgumentException>(() => opt.LoadStateDict(badStep)).Message);

        Assert.Same(before, opt.GetState(ps[0])!.ExpAvg);
        Assert.Equal(0.001, opt.ParamGroups[0].Lr);
    }

    private static OptimizerStateDict Clone(OptimizerStateDict d) => new()
    {
        Optimizer = d.Optimizer,
        State = d.State.ToDictionary(e => e.Key, e => new Dictionary<string, object?>(e.Value)),
        ParamGroups = [.. d.ParamGroups.Select(g => new Dictionary<string, object?>(g))],
    };
}

using Descent.Optim;
using Descent.Tensors;
using Descent.Tensors.Autograd;

namespace Descent.Tests.Optim;

/// <summary>Optimizer mechanics: groups, ZeroGrad, skipping parameters without gradients, grad mode, memory.</summary>
public class OptimizerTests
{
    private static Tensor Param(params double[] values) => Tensor.FromArray(values, values.Length).RequiresGradInPlace();

    [Fact]
    public void ZeroGradZeroesInPlaceByDefaultAndCanDropGradients()
    {
        var p = Param(1, 2);
        var opt = new Sgd([p], new SgdOptions(0.1));
        p.Grad = Tensor.FromArray([3.0, 4.0], 2);
        var grad = p.Grad;
        opt.ZeroGrad();
        Assert.Same(grad, p.Grad);
        Assert.Equal([0.0, 0.0], p.Grad!.ToDoubleArray());
        opt.ZeroGrad(setToNone: true);
        Assert.Null(p.Grad);
    }

    [Fact]
    public void StepSkipsParametersWithoutGradientAndCreatesNoStateForThem()
    {
        var a = Param(1, 2);
        var b = Param(5);
        var opt = new Adam([a, b], new AdamOptions(0.1));
        a.Grad = Tensor.FromArray([1.0, -1.0], 2);
        opt.Step();
        Assert.Equal([5.0], b.ToDoubleArray());
        Assert.Null(opt.GetState(b));
        Assert.Equal(1, opt.GetState(a)!.Step);
        // Adam's first step moves every coordinate by lr (m̂/√v̂ = ±1).
        Assert.Equal(0.9, a[0], 1e-7);
        Assert.Equal(2.1, a[1], 1e-7);
        Assert.Equal([0], opt.StateDict().State.Keys);
    }

    [Fact]
    public void StepRecordsNoGraphAndStateOutlivesTheStepScope()
    {
        var w = Param(1, 2, 3);
        var opt = new Adam([w]);
        for (int i = 0; i < 3; i++)
        {
            using var scope = StepScope.Begin();
            opt.ZeroGrad();
            (w * w).Sum().Backward();
            opt.Step();
            Assert.True(w.IsLeaf);
        }
        var state = opt.GetState(w)!;
        Assert.Equal(3, state.Step);
        Assert.Equal(3, state.ExpAvg.ToDoubleArray().Length);   // would throw if pooled by the step scope
        Assert.True(GradMode.IsEnabled);
    }

    [Theory]
    [InlineData("SGD")]
    [InlineData("Adam")]
    [InlineData("AdamW")]
    [InlineData("RMSprop")]
    [InlineData("Adagrad")]
    [InlineData("Adamax")]
    [InlineData("NAdam")]
    [InlineData("RAdam")]
    [InlineData("Adadelta")]
    public void SteadyStateStepsAllocateNothing(string name)
    {
        foreach (int n in new[] { 1000, 200_000 })
        {
            var p = Tensor.Zeros(new Shape(n), DType.Float32).RequiresGradInPlace();
            p.Grad = Tensor.Ones(new Shape(n), DType.Float32);
            var hp = name == "SGD" ? new Dictionary<string, object?> { ["momentum"] = 0.9 } : null;
            var opt = OptimizerFactory.Create(name, [p], hp);
            for (int i = 0; i < 3; i++) { opt.Step(); opt.ZeroGrad(); }
            long bytes = SteadyState.FewestBytes(_ => { opt.Step(); opt.ZeroGrad(); }, calls: 10);
            Assert.True(bytes == 0, $"{name} n={n}: ten steady-state steps allocated {bytes} bytes.");
        }
    }

    [Fact]
    public void GroupsHaveTheirOwnHyperparameters()
    {
        var a = Param(1);
        var b = Param(1);
        var opt = new Sgd([a], new SgdOptions(0.1));
        opt.AddParamGroup([b], opt.Defaults with { Lr = 0.5 });
        a.Grad = Tensor.FromArray([1.0], 1);
        b.Grad = Tensor.FromArray([1.0], 1);
        opt.Step();
        Assert.Equal(0.9, a.Item(), 12);
        Assert.Equal(0.5, b.Item(), 12);
        opt.ParamGroups[0].Lr = 0.2;
        Assert.Equal(0.5, opt.Group(1).Options.Lr);
        Assert.Equal(0.1, opt.Defaults.Lr);
        Assert.Equal([0, 1], opt.StateDict().ParamGroups.Select(g => ((int[])g["params"]!)[0]));
    }

    [Fact]
    public void InvalidParameterListsAreRejected()
    {
        var p = Param(1);
        Assert.Contains("empty parameter list", Assert.Throws<ArgumentException>(() => new Adam([])).Message);
        Assert.Contains("non-leaf", Assert.Throws<ArgumentException>(() => new Adam([p * 2])).Message);
        Assert.Contains("twice", Assert.Throws<ArgumentException>(() => new Adam([p, p])).Message);
        Assert.Contains("float32/float64", Assert.Throws<ArgumentException>(() => new Adam([Tensor.FromArray([1L], 1)])).Message);
        var opt = new Adam([p]);
        Assert.Contains("more than one parameter group", Assert.Throws<ArgumentException>(() => opt.AddParamGroup([p], null)).Message);
        Assert.Contains("AdamOptions", Assert.Throws<ArgumentException>(() => opt.AddParamGroup([Param(2)], new SgdOptions())).Message);
    }

    [Fact]
    public void MismatchedGradientIsReportedWithShapes()
    {
        var p = Param(1, 2);
        var opt = new Sgd([p]);
        p.Grad = Tensor.Zeros(new Shape(3), DType.Float64);
        var e = Assert.Throws<InvalidOperationException>(() => opt.Step());
        Assert.Contains("[2]", e.Message);
        Assert.Contains("[3]", e.Message);
    }

    [Fact]
    public void EmaMomentumIsTheTextbookAverage()
    {
        // v = βv + (1−β)g from v₀ = 0, θ −= αv; with a constant gradient v_t = (1 − βᵗ)·g.
        var p = Param(0);
        var opt = new Sgd([p], new SgdOptions(1, momentum: 0.9, momentumStyle: MomentumStyle.Ema));
        double theta = 0;
        for (int t = 1; t <= 5; t++)
        {
            p.Grad = Tensor.FromArray([2.0], 1);
            opt.Step();
            double v = (1 - Math.Pow(0.9, t)) * 2;
            theta -= v;
            Assert.Equal(v, opt.GetState(p)!.MomentumBuffer!.Item(), 12);
            Assert.Equal(theta, p.Item(), 12);
        }
    }

    [Fact]
    public void GradientDescentIsThetaMinusLrTimesGradient()
    {
        var p = Param(2, -1);
        var opt = new GradientDescent([p], lr: 0.25);
        p.Grad = Tensor.FromArray([4.0, 1.0], 2);
        opt.Step();
        Assert.Equal([1.0, -1.25], p.ToDoubleArray());
        Assert.Equal(1, opt.GetState(p)!.Step);
    }

    [Fact]
    public void MaximizeAscends()
    {
        var a = Param(1);
        var b = Param(1);
        var min = new Adam([a], new AdamOptions(0.1));
        var max = new Adam([b], new AdamOptions(0.1, maximize: true));
        a.Grad = Tensor.FromArray([1.0], 1);
        b.Grad = Tensor.FromArray([1.0], 1);
        min.Step();
        max.Step();
        Assert.Equal(0.9, a.Item(), 7);
        Assert.Equal(1.1, b.Item(), 7);
    }

    [Fact]
    public void FactoryRejectsUnknownNamesAndHyperparameters()
    {
        var p = Param(1);
        Assert.Contains("Unknown optimizer 'Lion'", Assert.Throws<ArgumentException>(() => OptimizerFactory.Create("Lion", [p])).Message);
        var e = Assert.Throws<ArgumentException>(() => OptimizerFactory.Create("Adam", [p], new Dictionary<string, object?> { ["momentum"] = 0.9 }));
        Assert.Contains("unknown hyperparameter 'momentum'", e.Message);
        Assert.Contains("betas", e.Message);
        Assert.IsType<RmsProp>(OptimizerFactory.Create("rmsprop", [Param(1)], new Dictionary<string, object?> { ["centered"] = true }));
    }
}

using Descent.Optim;
using Descent.Tensors;

namespace Descent.Tests.Optim;

/// <summary>Optimizers by name, and optimizers registered from outside the library.</summary>
public class OptimizerFactoryTests
{
    /// <summary>
    /// Registers <see cref="SignumOptions"/> as "Signum". The optimizer itself is a stand-in (SGD with the same lr and
    /// weight decay): what is tested is the registry, not the update.
    /// </summary>
    internal static void RegisterSignum() => OptimizerFactory.Register("Signum", () => new SignumOptions(),
        (parameters, o) => new Sgd(parameters, new SgdOptions(o.Lr, weightDecay: o.WeightDecay)));

    [Fact]
    public void ARegisteredOptimizerIsCreatedByNameWithItsHyperparameters()
    {
        RegisterSignum();
        RegisterSignum();   // the same registration again is allowed (idempotent)
        Assert.Contains("Signum", OptimizerFactory.Names);
        Assert.True(OptimizerFactory.IsKnown("signum"));
        var o = Assert.IsType<SignumOptions>(OptimizerFactory.CreateOptions("signum",
            new Dictionary<string, object?> { ["lr"] = 0.2, ["betas"] = new[] { 0.5, 0.6 }, ["sign"] = "stochastic" }));
        Assert.Equal((0.2, 0.5, 0.6, "stochastic"), (o.Lr, o.Beta1, o.Beta2, o.Sign));
        var opt = OptimizerFactory.Create([Tensor.Zeros(new Shape(2)).RequiresGradInPlace()], o);
        Assert.Equal(0.2, opt.ParamGroups[0].Lr);
        Assert.Contains("unknown hyperparameter 'momentum'", Assert.Throws<ArgumentException>(() =>
            OptimizerFactory.CreateOptions("Signum", new Dictionary<string, object?> { ["momentum"] = 0.9 })).Message);
    }

    [Fact]
    public void RegistrationRejectsTakenNamesAndIncompleteRecords()
    {
        RegisterSignum();
        var taken = Assert.Throws<ArgumentException>(() => OptimizerFactory.Register("adam", () => new SignumOptions(),
            (p, o) => new Sgd(p)));
        Assert.Contains("'adam' is already taken by Adam (AdamOptions)", taken.Message);
        var twice = Assert.Throws<ArgumentException>(() => OptimizerFactory.Register("Signum2", () => new SignumOptions(), (p, o) => new Sgd(p)));
        Assert.Contains("SignumOptions is already registered as 'Signum'", twice.Message);
        var noLr = Assert.Throws<ArgumentException>(() => OptimizerFactory.Register("NoLr", () => new NoLrOptions(), (p, o) => new Sgd(p)));
        Assert.Contains("NoLrOptions must declare 'lr'", noLr.Message);
        Assert.False(OptimizerFactory.IsKnown("NoLr"));
    }

    [Fact]
    public void UnregisteredOptionsHaveNoOptimizer()
    {
        var e = Assert.Throws<ArgumentException>(() => OptimizerFactory.Create([Tensor.Zeros(new Shape(1)).RequiresGradInPlace()], new NoLrOptions()));
        Assert.Contains("No optimizer for options of type NoLrOptions; register it with OptimizerFactory.Register", e.Message);
    }

    [Fact]
    public void BuiltInNamesMatchInAnyCaseAndGdIsGradientDescent()
    {
        Assert.Equal(["SGD", "Adagrad", "RMSprop", "Adam", "AdamW", "Adamax", "NAdam", "RAdam", "Adadelta", "GradientDescent"],
            OptimizerFactory.Names.Take(10));
        Assert.IsType<GradientDescentOptions>(OptimizerFactory.CreateOptions("gd"));
        Assert.IsType<AdamWOptions>(OptimizerFactory.CreateOptions("ADAMW"));
    }

    private sealed record NoLrOptions : OptimizerOptions
    {
        private static readonly HyperparameterSet Declared = new(WeightDecayHyperparameter);

        public NoLrOptions() : base(1e-3, 0)
        {
        }

        public override string OptimizerName => "NoLr";

        public override HyperparameterSet Hyperparameters => Declared;
    }
}

using Descent.Optim;

namespace Descent.Tests.Optim;

/// <summary>Hyperparameters are validated with messages naming the optimizer, the argument and the allowed range.</summary>
public class OptionsValidationTests
{
    private static void Rejects(Func<object> create, string argument, string range)
    {
        var e = Assert.ThrowsAny<ArgumentException>(create);
        Assert.Contains(argument, e.Message);
        Assert.Contains(range, e.Message);
    }

    [Fact]
    public void RangesAreEnforcedAndNamed()
    {
        Rejects(() => new AdamOptions(lr: -1), "Adam: lr", "≥ 0");
        Rejects(() => new AdamOptions(lr: double.NaN), "lr", "≥ 0");
        Rejects(() => new AdamOptions(beta1: 1.0), "beta1", "[0, 1)");
        Rejects(() => new AdamWOptions(beta2: -0.1), "AdamW: beta2", "[0, 1)");
        Rejects(() => new AdamOptions(eps: 0), "eps", "> 0");
        Rejects(() => new AdamOptions(weightDecay: -1e-4), "weight_decay", "≥ 0");
        Rejects(() => new SgdOptions(momentum: 1.5), "SGD: momentum", "[0, 1)");
        Rejects(() => new SgdOptions(dampening: 2), "dampening", "[0, 1]");
        Rejects(() => new RmsPropOptions(alpha: 1.2), "RMSprop: alpha", "[0, 1]");
        Rejects(() => new AdagradOptions(lrDecay: -1), "Adagrad: lr_decay", "≥ 0");
        Rejects(() => new AdagradOptions(initialAccumulatorValue: -1), "initial_accumulator_value", "≥ 0");
        Rejects(() => new AdadeltaOptions(rho: 1.1), "Adadelta: rho", "[0, 1]");
        Rejects(() => new NAdamOptions(momentumDecay: -1), "NAdam: momentum_decay", "≥ 0");
        Rejects(() => new RAdamOptions(beta1: 1), "RAdam: beta1", "[0, 1)");
        Rejects(() => new AdamaxOptions(eps: -1), "Adamax: eps", "> 0");
    }

    [Fact]
    public void SettersValidateToo()
    {
        var o = new AdamOptions();
        Assert.Throws<ArgumentOutOfRangeException>(() => o.Beta2 = 1);
        Assert.Equal(0.999, o.Beta2);
        Assert.Throws<ArgumentOutOfRangeException>(() => o.Set("betas", new[] { 0.9, 1.0 }));
    }

    [Fact]
    public void CombinationsAreChecked()
    {
        var e = Assert.Throws<ArgumentException>(() => new Sgd([Descent.Tensors.Tensor.Zeros(1).RequiresGradInPlace()], new SgdOptions(nesterov: true)));
        Assert.Contains("Nesterov momentum requires a momentum > 0 and zero dampening", e.Message);
        Assert.Throws<ArgumentException>(() => new SgdOptions(momentum: 0.9, dampening: 0.1, momentumStyle: MomentumStyle.Ema).Validate());
    }

    [Fact]
    public void OptionsRoundTripThroughTheirDictionary()
    {
        OptimizerOptions[] all =
        [
            new SgdOptions(0.1, 0.9, 0, 0.01, true, true), new SgdOptions(0.1, 0.8, momentumStyle: MomentumStyle.Ema),
            new AdamOptions(0.01, 0.8, 0.9, 1e-6, 0.1, true, true), new AdamWOptions(0.02), new AdagradOptions(0.2, 0.1, 0.3, 0.4, 1e-9, true),
            new RmsPropOptions(0.3, 0.9, 1e-7, 0.1, 0.5, true, true), new AdamaxOptions(0.1, 0.7, 0.8, 1e-5, 0.2, true),
            new NAdamOptions(0.1, 0.7, 0.8, 1e-5, 0.2, 0.01, true), new RAdamOptions(0.1, 0.7, 0.8, 1e-5, 0.2, true),
            new AdadeltaOptions(0.5, 0.8, 1e-5, 0.1, true), new GradientDescentOptions(0.3, 0.1),
        ];
        foreach (var o in all)
        {
            var copy = OptimizerFactory.CreateOptions(o.OptimizerName,
                o.ToDictionary().ToDictionary(kv => kv.Key, kv => (object?)kv.Value));
            Assert.Equal(o, copy);
        }
    }

    [Fact]
    public void ToStringDoesNotThrowForOptimizersWithoutMomentum()
    {
        Assert.Contains("lr = 0.01", new AdagradOptions().ToString());
        Assert.Throws<InvalidOperationException>(() => new AdagradOptions().Momentum);
    }
}

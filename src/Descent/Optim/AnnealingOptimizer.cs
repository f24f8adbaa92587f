using Descent.Tensors;

namespace Descent.Optim;

/// <summary>How <see cref="AnnealingOptimizer"/> lowers its temperature.</summary>
public enum AnnealingOptimizerCooling
{
    /// <summary>T₀ α^t (Kirkpatrick et al. 1983).</summary>
    Geometric,

    /// <summary>T₀ ln 2 / ln(t + 2) (Geman &amp; Geman 1984).</summary>
    Logarithmic,
}

/// <summary>Hyperparameters of <see cref="AnnealingOptimizer"/> (<c>optimizer: sa</c>).</summary>
public sealed record AnnealingOptimizerOptions : OptimizerOptions
{
    private static readonly Hyperparameter<AnnealingOptimizerOptions, double?> InitialTemperatureHyperparameter =
        Hyperparameter.NullableNumber<AnnealingOptimizerOptions>("initial_temperature", o => o.InitialTemperature, (o, v) => o.InitialTemperature = v, ValueRange.Positive);

    private static readonly Hyperparameter<AnnealingOptimizerOptions, double> CoolingRateHyperparameter =
        Hyperparameter.Number<AnnealingOptimizerOptions>("cooling_rate", o => o.CoolingRate, (o, v) => o.CoolingRate = v, ValueRange.OpenUnit);

    private static readonly Hyperparameter<AnnealingOptimizerOptions, double> RestartRatioHyperparameter =
        Hyperparameter.Number<AnnealingOptimizerOptions>("restart_ratio", o => o.RestartRatio, (o, v) => o.RestartRatio = v, ValueRange.OpenUnit);

    private static readonly Hyperparameter<AnnealingOptimizerOptions, int> SeedHyperparameter =
        Hyperparameter.Integer<AnnealingOptimizerOptions>("seed", o => o.Seed, (o, v) => o.Seed = v, ValueRange.NonNegativeInteger);

    private static readonly HyperparameterSet Declared = new(LrHyperparameter, WeightDecayHyperparameter, InitialTemperatureHyperparameter,
        Hyperparameter.Choice<AnnealingOptimizerOptions, AnnealingOptimizerCooling>("cooling", o => o.Cooling, (o, v) => o.Cooling = v,
            (AnnealingOptimizerCooling.Geometric, "geometric"), (AnnealingOptimizerCooling.Logarithmic, "logarithmic")),
        CoolingRateHyperparameter, RestartRatioHyperparameter, SeedHyperparameter);

    /// <summary>Creates the options: lr is the standard deviation of a move.</summary>
    public AnnealingOptimizerOptions(double lr = 0.01, double weightDecay = 0, double? initialTemperature = null,
        AnnealingOptimizerCooling cooling = AnnealingOptimizerCooling.Geometric, double coolingRate = 0.995, double restartRatio = 1e-3, int seed = 0)
        : base(lr, weightDecay)
    {
        InitialTemperature = initialTemperature;
        Cooling = cooling;
        CoolingRate = coolingRate;
        RestartRatio = restartRatio;
        Seed = seed;
    }

    /// <inheritdoc/>
    public override string OptimizerName => "SA";

    /// <summary>lr, weight_decay, initial_temperature, cooling, cooling_rate, restart_ratio, seed.</summary>
    public override HyperparameterSet Hyperparameters => Declared;

    /// <summary>T₀ in units of the loss; null: measured over the first ten steps (80 % of worse moves accepted, Johnson et al. 1989).</summary>
    public double? InitialTemperature { get; set => field = InitialTemperatureHyperparameter.Check(this, value); }

    /// <summary>The temperature schedule.</summary>
    public AnnealingOptimizerCooling Cooling { get; set; }

    /// <summary>α of geometric cooling, per step.</summary>
    public double CoolingRate { get; set => field = CoolingRateHyperparameter.Check(this, value); }

    /// <summary>Reheat to T₀ once the temperature falls below this fraction of it.</summary>
    public double RestartRatio { get; set => field = RestartRatioHyperparameter.Check(this, value); }

    /// <summary>Seed of the optimizer's random streams.</summary>
    public int Seed { get; set => field = SeedHyperparameter.Check(this, value); }
}

/// <summary>State of <see cref="AnnealingOptimizer"/>, kept with the first parameter: the temperature schedule's position.</summary>
public sealed class AnnealingOptimizerState : ParamState
{
    /// <summary>Steps since the last reheat.</summary>
    public long Chain { get; internal set; }

    /// <summary>T₀ (0 while still being measured).</summary>
    public double InitialTemperature { get; internal set; }

    /// <summary>Sum of the worse moves seen while measuring T₀.</summary>
    public double WorseSum { get; internal set; }

    /// <summary>Count of the worse moves seen while measuring T₀.</summary>
    public long WorseCount { get; internal set; }

    protected internal override void Save(StateWriter writer)
    {
        writer.StepCount(Step);
        writer.StepCount(Chain, "chain");
        writer.Number("initial_temperature", InitialTemperature);
        writer.Number("worse_sum", WorseSum);
        writer.StepCount(WorseCount, "worse_count");
    }

    protected internal override void Load(StateReader reader)
    {
        Step = reader.StepCount();
        Chain = reader.StepCount("chain");
        InitialTemperature = reader.Number("initial_temperature");
        WorseSum = reader.Number("worse_sum");
        WorseCount = reader.StepCount("worse_count");
    }
}

/// <summary>
/// Neuroevolution by simulated annealing (<c>optimizer: sa</c>): each step scores the current weights and a Gaussian
/// perturbation of all of them (standard deviation lr) on the step's batch and keeps the perturbation by the Metropolis
/// test exp(−Δ/T) (Kirkpatrick, Gelatt &amp; Vecchi 1983). The temperature falls per step (geometric or logarithmic) and
/// is reheated to T₀ once below <c>restart_ratio</c>·T₀; T₀ is measured over the first ten steps when not given (all moves
/// are kept meanwhile). Two forward passes per step and no backward pass; step t draws from its own stream of (seed, t).
/// </summary>
public sealed class AnnealingOptimizer : GradientFreeOptimizer<AnnealingOptimizerOptions, AnnealingOptimizerState>
{
    private const int CalibrationSteps = 10;

    /// <summary>Creates the optimizer over <paramref name="parameters"/> (default options when null).</summary>
    public AnnealingOptimizer(IEnumerable<Tensor> parameters, AnnealingOptimizerOptions? options = null)
        : base(parameters, options ?? new AnnealingOptimizerOptions())
    {
    }

    /// <inheritdoc/>
    public override string Name => "SA";

    /// <summary>The temperature of the next step (+∞ while T₀ is measured).</summary>
    public double Temperature
    {
        get
        {
            var s = StateAt(0);
            var o = Defaults;
            if (s.InitialTemperature == 0) return o.InitialTemperature ?? double.PositiveInfinity;
            return o.Cooling == AnnealingOptimizerCooling.Geometric
                ? s.InitialTemperature * Math.Pow(o.CoolingRate, s.Chain)
                : s.InitialTemperature * Math.Log(2) / Math.Log(s.Chain + 2);
        }
    }

    /// <inheritdoc/>
    protected override AnnealingOptimizerState CreateState(Tensor param, AnnealingOptimizerOptions options) =>
        new() { InitialTemperature = options.InitialTemperature ?? 0 };

    /// <inheritdoc/>
    protected override AnnealingOptimizerState CreateEmptyState(Tensor param) => new();

    /// <inheritdoc/>
    public override double Step(Func<double> closure)
    {
        ArgumentNullException.ThrowIfNull(closure);
        var o = Defaults;
        var s = StateAt(0);
        var current = Gather();
        double fCurrent = Evaluate(current, closure);
        var sigma = StepSizes();
        var rng = Stream(o.Seed, s.Step, 0);
        var proposal = new double[current.Length];
        for (int i = 0; i < proposal.Length; i++) proposal[i] = current[i] + sigma[i] * rng.NextNormal();
        double fProposal = Evaluate(proposal, closure);
        double delta = fProposal - fCurrent, temperature = Temperature;
        bool accept;
        if (s.InitialTemperature == 0)
        {
            // Measuring T₀: keep every move and record the worse ones.
            accept = true;
            if (delta > 0 && double.IsFinite(delta)) { s.WorseSum += delta; s.WorseCount++; }
            if (s.Step + 1 >= CalibrationSteps)
                s.InitialTemperature = s.WorseCount > 0 ? -(s.WorseSum / s.WorseCount) / Math.Log(0.8) : 1;
        }
        else
        {
            accept = delta <= 0 || rng.NextDouble() < Math.Exp(-delta / temperature);
            s.Chain++;
            if (Temperature < s.InitialTemperature * o.RestartRatio) s.Chain = 0;
        }
        s.Step++;
        if (accept) return fProposal;
        Scatter(current);
        return fCurrent;
    }
}

namespace Descent.Optim.Schedules;

/// <summary>
/// PyTorch's CosineAnnealingLR (Loshchilov &amp; Hutter 2017, SGDR without restarts), in closed form:
/// lr = η_min + (lr₀ − η_min)·(1 + cos(πt/T_max))/2. Past T_max it keeps following the cosine, as PyTorch does.
/// </summary>
public sealed class CosineAnnealingLR : ILrSchedule
{
    /// <summary>Creates the schedule.</summary>
    public CosineAnnealingLR(int tMax, double etaMin = 0) : this(new CosineAnnealingLROptions { TMax = tMax, EtaMin = etaMin })
    {
    }

    /// <summary>Creates the schedule from validated <paramref name="options"/>.</summary>
    public CosineAnnealingLR(CosineAnnealingLROptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        TMax = options.TMax!.Value;
        EtaMin = options.EtaMin;
    }

    /// <summary>Half period in steps.</summary>
    public int TMax { get; }

    /// <summary>Minimum learning rate (absolute).</summary>
    public double EtaMin { get; }

    /// <inheritdoc/>
    public double LearningRate(int step, double baseLr)
    {
        if (step < 0) throw new ArgumentOutOfRangeException(nameof(step), step, "Schedule step must be ≥ 0.");
        return EtaMin + (baseLr - EtaMin) * (1 + Math.Cos(Math.PI * step / TMax)) / 2;
    }
}

/// <summary>Options of <see cref="CosineAnnealingLR"/> (PyTorch's defaults; T_max is required).</summary>
public sealed record CosineAnnealingLROptions : LrScheduleOptions
{
    private static readonly HyperparameterSet Declared = new(
        Hyperparameter.NullableInteger<CosineAnnealingLROptions>("T_max", o => o.TMax, (o, v) => o.TMax = v, ValueRange.PositiveInteger, required: true),
        Hyperparameter.Number<CosineAnnealingLROptions>("eta_min", o => o.EtaMin, (o, v) => o.EtaMin = v, ValueRange.NonNegative));

    /// <inheritdoc/>
    public override string ScheduleName => "CosineAnnealingLR";

    /// <inheritdoc/>
    public override HyperparameterSet Hyperparameters => Declared;

    /// <summary>Half period in steps (required).</summary>
    public int? TMax { get; set; }

    /// <summary>Minimum learning rate (absolute, ≥ 0).</summary>
    public double EtaMin { get; set; }

    /// <inheritdoc/>
    protected override ILrSchedule Build() => new CosineAnnealingLR(this);
}

/// <summary>
/// The textbooks' cosine decay from a fixed lr₀ to 0 over T steps: lr₀·(1 + cos(πt/T))/2, i.e. a
/// <see cref="CosineAnnealingLR"/> (η_min = 0) evaluated from lr₀ instead of the group's base rate when lr0 is given.
/// </summary>
public sealed record CosineFormulaOptions : LrScheduleOptions
{
    private static readonly HyperparameterSet Declared = new(
        Hyperparameter.NullableInteger<CosineFormulaOptions>("T", o => o.T, (o, v) => o.T = v, ValueRange.PositiveInteger, required: true),
        Hyperparameter.NullableNumber<CosineFormulaOptions>("lr0", o => o.Lr0, (o, v) => o.Lr0 = v, ValueRange.NonNegative));

    /// <inheritdoc/>
    public override string ScheduleName => "CosineFormula";

    /// <inheritdoc/>
    public override HyperparameterSet Hyperparameters => Declared;

    /// <summary>Steps from lr₀ to 0 (required).</summary>
    public int? T { get; set; }

    /// <summary>A fixed lr₀ instead of the group's base rate (null: the base rate).</summary>
    public double? Lr0 { get; set; }

    /// <inheritdoc/>
    protected override ILrSchedule Build() => InitialLrSchedule.Wrap(Lr0, new CosineAnnealingLR(T!.Value));
}

/// <summary>
/// PyTorch's CosineAnnealingWarmRestarts (SGDR, Loshchilov &amp; Hutter 2017): cosine annealing over periods
/// T₀, T₀·T_mult, T₀·T_mult², …, restarting at the base rate at the start of each period.
/// </summary>
public sealed class CosineAnnealingWarmRestarts : ILrSchedule
{
    /// <summary>Creates the schedule.</summary>
    public CosineAnnealingWarmRestarts(int t0, int tMult = 1, double etaMin = 0)
        : this(new CosineAnnealingWarmRestartsOptions { T0 = t0, TMult = tMult, EtaMin = etaMin })
    {
    }

    /// <summary>Creates the schedule from validated <paramref name="options"/>.</summary>
    public CosineAnnealingWarmRestarts(CosineAnnealingWarmRestartsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        T0 = options.T0!.Value;
        TMult = options.TMult;
        EtaMin = options.EtaMin;
    }

    /// <summary>Length of the first period.</summary>
    public int T0 { get; }

    /// <summary>Growth factor of the period after each restart.</summary>
    public int TMult { get; }

    /// <summary>Minimum learning rate (absolute).</summary>
    public double EtaMin { get; }

    /// <inheritdoc/>
    public double LearningRate(int step, double baseLr)
    {
        if (step < 0) throw new ArgumentOutOfRangeException(nameof(step), step, "Schedule step must be ≥ 0.");
        long tCur = step, tI = T0;
        if (TMult == 1)
        {
            tCur = step % T0;
        }
        else
        {
            while (tCur >= tI)
            {
                tCur -= tI;
                tI *= TMult;
            }
        }
        return EtaMin + (baseLr - EtaMin) * (1 + Math.Cos(Math.PI * tCur / tI)) / 2;
    }
}

/// <summary>Options of <see cref="CosineAnnealingWarmRestarts"/> (PyTorch's defaults; T_0 is required).</summary>
public sealed record CosineAnnealingWarmRestartsOptions : LrScheduleOptions
{
    private static readonly HyperparameterSet Declared = new(
        Hyperparameter.NullableInteger<CosineAnnealingWarmRestartsOptions>("T_0", o => o.T0, (o, v) => o.T0 = v, ValueRange.PositiveInteger, required: true),
        Hyperparameter.Integer<CosineAnnealingWarmRestartsOptions>("T_mult", o => o.TMult, (o, v) => o.TMult = v, ValueRange.PositiveInteger),
        Hyperparameter.Number<CosineAnnealingWarmRestartsOptions>("eta_min", o => o.EtaMin, (o, v) => o.EtaMin = v, ValueRange.NonNegative));

    /// <inheritdoc/>
    public override string ScheduleName => "CosineAnnealingWarmRestarts";

    /// <inheritdoc/>
    public override HyperparameterSet Hyperparameters => Declared;

    /// <summary>Length of the first period (required).</summary>
    public int? T0 { get; set; }

    /// <summary>Growth factor of the period after each restart.</summary>
    public int TMult { get; set; } = 1;

    /// <summary>Minimum learning rate (absolute, ≥ 0).</summary>
    public double EtaMin { get; set; }

    /// <inheritdoc/>
    protected override ILrSchedule Build() => new CosineAnnealingWarmRestarts(this);
}

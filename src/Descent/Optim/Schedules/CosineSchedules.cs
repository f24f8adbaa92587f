namespace Descent.Optim.Schedules;

/// <summary>
/// PyTorch's CosineAnnealingLR (Loshchilov &amp; Hutter 2017, SGDR without restarts), in closed form:
/// lr = η_min + (lr₀ − η_min)·(1 + cos(πt/T_max))/2. Past T_max it keeps following the cosine, as PyTorch does.
/// </summary>
public sealed class CosineAnnealingLR : ILrSchedule
{
    /// <summary>Creates the schedule.</summary>
    public CosineAnnealingLR(int tMax, double etaMin = 0)
    {
        TMax = OptionChecks.PositiveInt("CosineAnnealingLR", "T_max", tMax);
        EtaMin = OptionChecks.NonNegative("CosineAnnealingLR", "eta_min", etaMin);
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

/// <summary>
/// PyTorch's CosineAnnealingWarmRestarts (SGDR, Loshchilov &amp; Hutter 2017): cosine annealing over periods
/// T₀, T₀·T_mult, T₀·T_mult², …, restarting at the base rate at the start of each period.
/// </summary>
public sealed class CosineAnnealingWarmRestarts : ILrSchedule
{
    /// <summary>Creates the schedule.</summary>
    public CosineAnnealingWarmRestarts(int t0, int tMult = 1, double etaMin = 0)
    {
        T0 = OptionChecks.PositiveInt("CosineAnnealingWarmRestarts", "T_0", t0);
        TMult = OptionChecks.PositiveInt("CosineAnnealingWarmRestarts", "T_mult", tMult);
        EtaMin = OptionChecks.NonNegative("CosineAnnealingWarmRestarts", "eta_min", etaMin);
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

namespace Descent.Tuning;

/// <summary>How <see cref="SimulatedAnnealing"/> draws a neighbour of the current point.</summary>
public enum AnnealingVisit
{
    /// <summary>
    /// The Tsallis–Stariolo visiting distribution of generalized simulated annealing (qv = <see cref="AnnealingOptions.VisitingParameter"/>,
    /// scipy's <c>dual_annealing</c>): heavy tails whose width falls with the temperature, in natural coordinates.
    /// </summary>
    Tsallis,

    /// <summary>Gaussian steps of standard deviation <see cref="AnnealingOptions.StepScale"/> × range × √(T/T₀) (classical annealing).</summary>
    Gaussian,

    /// <summary>Cauchy steps of scale <see cref="AnnealingOptions.StepScale"/> × range × √(T/T₀) (Szu &amp; Hartley's fast annealing).</summary>
    Cauchy,
}

/// <summary>How the temperature falls with the chain index k (k = 0 after every reheat).</summary>
public enum AnnealingCooling
{
    /// <summary>
    /// Generalized simulated annealing's schedule T₀ (2^(qv−1) − 1)/((k + 2)^(qv−1) − 1) (Tsallis &amp; Stariolo 1996), with
    /// the acceptance temperature T/(k + 1) (Xiang et al. 1997, scipy's <c>dual_annealing</c>).
    /// </summary>
    Tsallis,

    /// <summary>Geometric cooling T₀ α^k (Kirkpatrick et al. 1983), α = <see cref="AnnealingOptions.CoolingRate"/>.</summary>
    Geometric,

    /// <summary>Logarithmic cooling T₀ ln 2 / ln(k + 2) (Geman &amp; Geman 1984: slow enough for convergence in probability).</summary>
    Logarithmic,
}

/// <summary>How a move to a worse point is accepted.</summary>
public enum AnnealingAcceptance
{
    /// <summary>Metropolis et al. 1953: with probability exp(−Δ/T).</summary>
    Metropolis,

    /// <summary>Tsallis' generalized acceptance [1 − (1 − qa) Δ/T]^(1/(1 − qa)) (qa = <see cref="AnnealingOptions.AcceptanceParameter"/>; scipy's default).</summary>
    Generalized,
}

/// <summary>Where the chain continues when the temperature has fallen below the restart threshold and is reheated.</summary>
public enum AnnealingRestart
{
    /// <summary>From a random point (scipy's re-annealing).</summary>
    Random,

    /// <summary>From the best point found so far.</summary>
    Best,
}

/// <summary>
/// Settings of <see cref="SimulatedAnnealing"/> and <see cref="AnnealingSampler"/>. The defaults are generalized simulated
/// annealing with Metropolis acceptance and local polish, scipy's <c>dual_annealing</c> structure (initial temperature
/// 5230, visiting parameter 2.62, reheat at 2·10⁻⁵ of the initial temperature, L-BFGS polish of every chain that improved
/// the best point); <see cref="Plain"/> is textbook annealing (Gaussian steps, geometric cooling, no polish).
/// </summary>
public sealed record AnnealingOptions
{
    /// <summary>
    /// Textbook simulated annealing: Gaussian steps, geometric cooling by 0.95 per chain, Metropolis acceptance, the initial
    /// temperature set from the first chain (80 % of worse moves accepted, Johnson et al. 1989), reheats from the best
    /// point, no local polish.
    /// </summary>
    public static AnnealingOptions Plain { get; } = new()
    {
        Visit = AnnealingVisit.Gaussian,
        Cooling = AnnealingCooling.Geometric,
        InitialTemperature = null,
        Restart = AnnealingRestart.Best,
        LocalPolish = false,
    };

    /// <summary>Neighbourhood of a move.</summary>
    public AnnealingVisit Visit { get; init; } = AnnealingVisit.Tsallis;

    /// <summary>qv of the Tsallis visiting distribution and schedule, in (1, 3).</summary>
    public double VisitingParameter { get; init; } = 2.62;

    /// <summary>Step size of Gaussian and Cauchy visits at the initial temperature, as a fraction of each coordinate's range.</summary>
    public double StepScale { get; init; } = 0.1;

    /// <summary>Temperature schedule.</summary>
    public AnnealingCooling Cooling { get; init; } = AnnealingCooling.Tsallis;

    /// <summary>α of geometric cooling, in (0, 1).</summary>
    public double CoolingRate { get; init; } = 0.95;

    /// <summary>Acceptance rule for worse points.</summary>
    public AnnealingAcceptance Acceptance { get; init; } = AnnealingAcceptance.Metropolis;

    /// <summary>qa of the generalized acceptance, ≤ −1 (scipy: −5).</summary>
    public double AcceptanceParameter { get; init; } = -5;

    /// <summary>
    /// Initial temperature T₀, in units of the objective for the acceptance test (scipy: 5230; the Tsallis visiting width
    /// also grows with it). Null: measured — the first chain accepts every move, and T₀ is then set so that a worse move
    /// of the mean size seen is accepted with probability 0.8 (Johnson, Aragon, McGeoch &amp; Schevon 1989).
    /// </summary>
    public double? InitialTemperature { get; init; } = 5230;

    /// <summary>Reheat when the temperature falls below this fraction of T₀ (scipy: 2·10⁻⁵).</summary>
    public double RestartTemperatureRatio { get; init; } = 2e-5;

    /// <summary>Where a reheated chain continues.</summary>
    public AnnealingRestart Restart { get; init; } = AnnealingRestart.Random;

    /// <summary>Polish the best point by L-BFGS with finite differences after every chain that improved it (continuous genes only).</summary>
    public bool LocalPolish { get; init; } = true;

    /// <summary>Iterations of one polish; null: min(max(6·genes, 100), 1000) (scipy's).</summary>
    public int? PolishIterations { get; init; }

    /// <summary>
    /// With <see cref="LocalPolish"/>: after this many chains in a row that did not improve the best point, polish the
    /// last chain's best point (scipy's strategy chain polishes its chain minimum after <c>not_improved_max_idx</c> such
    /// chains, which it sets to the dimension after the first time); null: the number of genes.
    /// </summary>
    public int? StallChains { get; init; }

    /// <summary>Seed; null draws one from the OS.</summary>
    public long? Seed { get; init; }

    /// <summary>Throws when a setting is out of range.</summary>
    public void Validate()
    {
        if (!(VisitingParameter > 1 && VisitingParameter < 3)) throw new ArgumentException($"VisitingParameter must be in (1, 3), got {VisitingParameter}");
        if (!(StepScale > 0 && double.IsFinite(StepScale))) throw new ArgumentException($"StepScale must be positive, got {StepScale}");
        if (!(CoolingRate > 0 && CoolingRate < 1)) throw new ArgumentException($"CoolingRate must be in (0, 1), got {CoolingRate}");
        if (!(AcceptanceParameter <= -1)) throw new ArgumentException($"AcceptanceParameter must be at most -1, got {AcceptanceParameter}");
        if (InitialTemperature is double t && !(t > 0 && double.IsFinite(t))) throw new ArgumentException($"InitialTemperature must be positive, got {t}");
        if (!(RestartTemperatureRatio > 0 && RestartTemperatureRatio < 1)) throw new ArgumentException($"RestartTemperatureRatio must be in (0, 1), got {RestartTemperatureRatio}");
        if (StallChains is < 1) throw new ArgumentException($"StallChains must be at least 1, got {StallChains}");
        if (PolishIterations is < 1) throw new ArgumentException($"PolishIterations must be at least 1, got {PolishIterations}");
    }
}

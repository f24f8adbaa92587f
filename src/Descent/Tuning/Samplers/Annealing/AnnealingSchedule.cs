namespace Descent.Tuning;

/// <summary>
/// The temperatures, visiting steps and acceptance test of <see cref="SimulatedAnnealing"/> for one
/// <see cref="AnnealingOptions"/>. The Tsallis visiting distribution is the formula "Visita" of Tsallis &amp; Stariolo
/// (Physica A 233, 1996, p. 405) as scipy's <c>VisitingDistribution.visit_fn</c> evaluates it, including its tail limit.
/// </summary>
internal sealed class AnnealingSchedule
{
    private const double TailLimit = 1e8;
    private readonly AnnealingOptions _o;
    private readonly double _qv, _t1, _factor4P, _factor6;

    public AnnealingSchedule(AnnealingOptions options)
    {
        _o = options;
        InitialTemperature = options.InitialTemperature ?? double.NaN;
        _qv = options.VisitingParameter;
        _t1 = Math.Exp((_qv - 1) * Math.Log(2)) - 1;
        double factor2 = Math.Exp((4 - _qv) * Math.Log(_qv - 1));
        double factor3 = Math.Exp((2 - _qv) * Math.Log(2) / (_qv - 1));
        _factor4P = Math.Sqrt(Math.PI) * factor2 / (factor3 * (3 - _qv));
        double factor5 = 1 / (_qv - 1) - 0.5;
        _factor6 = Math.PI * (1 - factor5) / Math.Sin(Math.PI * (1 - factor5)) / Math.Exp(SpecialFunctions.LogGamma(2 - factor5));
    }

    /// <summary>T₀: the option's, or NaN until <see cref="Calibrate"/> measured it.</summary>
    public double InitialTemperature { get; private set; }

    /// <summary>Whether T₀ is still to be measured (the first chain then accepts every move).</summary>
    public bool Calibrating => double.IsNaN(InitialTemperature);

    /// <summary>Sets T₀ so that a worse move of mean size <paramref name="meanWorse"/> is accepted with probability 0.8 (1 when no move was worse).</summary>
    public void Calibrate(double meanWorse) =>
        InitialTemperature = meanWorse > 0 && double.IsFinite(meanWorse) ? -meanWorse / Math.Log(0.8) : 1;

    /// <summary>The visiting temperature of chain <paramref name="k"/> (counted from the last reheat).</summary>
    public double Temperature(int k) => Calibrating ? double.PositiveInfinity : _o.Cooling switch
    {
        AnnealingCooling.Geometric => InitialTemperature * Math.Pow(_o.CoolingRate, k),
        AnnealingCooling.Logarithmic => InitialTemperature * Math.Log(2) / Math.Log(k + 2),
        _ => InitialTemperature * _t1 / (Math.Exp((_qv - 1) * Math.Log(k + 2.0)) - 1),
    };

    /// <summary>The acceptance temperature of chain <paramref name="k"/>: T/(k + 1) with generalized cooling, else T.</summary>
    public double AcceptanceTemperature(int k) =>
        _o.Cooling == AnnealingCooling.Tsallis ? Temperature(k) / (k + 1) : Temperature(k);

    /// <summary>Whether the chain at visiting temperature <paramref name="temperature"/> is cold enough to reheat.</summary>
    public bool ShouldReheat(double temperature) => temperature < InitialTemperature * _o.RestartTemperatureRatio;

    /// <summary>
    /// A visiting step in natural units for a coordinate of width <paramref name="range"/> at <paramref name="temperature"/>
    /// (while calibrating, the width of T₀).
    /// </summary>
    public double Step(double temperature, double range, TuningRandom rng)
    {
        double relative = Calibrating ? 1 : Math.Sqrt(temperature / InitialTemperature);
        switch (_o.Visit)
        {
            case AnnealingVisit.Gaussian:
                return _o.StepScale * range * relative * rng.NextGaussian();
            case AnnealingVisit.Cauchy:
                return _o.StepScale * range * relative * Math.Tan(Math.PI * (rng.NextDouble() - 0.5));
            default:
            {
                if (Calibrating) temperature = 1;
                double x = rng.NextGaussian(), y = rng.NextGaussian();
                double factor4 = _factor4P * Math.Exp(Math.Log(temperature) / (_qv - 1));
                x *= Math.Exp(-(_qv - 1) * Math.Log(_factor6 / factor4) / (3 - _qv));
                double visit = x / Math.Exp((_qv - 1) * Math.Log(Math.Abs(y)) / (3 - _qv));
                if (visit > TailLimit) visit = TailLimit * rng.NextDouble();
                else if (visit < -TailLimit) visit = -TailLimit * rng.NextDouble();
                return visit;
            }
        }
    }

    /// <summary>Whether a move that is worse by <paramref name="delta"/> &gt; 0 is accepted at acceptance temperature <paramref name="temperature"/>.</summary>
    public bool Accept(double delta, double temperature, TuningRandom rng)
    {
        double r = rng.NextDouble();
        if (_o.Acceptance == AnnealingAcceptance.Metropolis) return r <= Math.Exp(-delta / temperature);
        double qa = _o.AcceptanceParameter;
        double pq = 1 - (1 - qa) * delta / temperature;
        return pq > 0 && r <= Math.Exp(Math.Log(pq) / (1 - qa));
    }

    /// <summary>Folds <paramref name="x"/> into [<paramref name="low"/>, <paramref name="high"/>) (scipy wraps visits around the bounds).</summary>
    public static double Wrap(double x, double low, double high)
    {
        double range = high - low;
        if (!(range > 0)) return low;
        double b = ((x - low) % range + range) % range;
        return low + b;
    }
}

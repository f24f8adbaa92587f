using Descent.Tuning;

namespace Descent.Search.Architecture;

/// <summary>
/// A REINFORCE controller (Williams 1992; Zoph &amp; Le, ICLR 2017) with a factorized policy: one softmax over the values of
/// each decision (ints and stepped floats by grid value, up to 64 bins; continuous floats in 16 bins), the form of the
/// REINFORCE baseline of NAS-Bench-101 (Ying et al. 2019) rather than Zoph &amp; Le's recurrent controller. After each
/// finished trial the logits move by lr · A · ∇log π(decisions) plus an entropy bonus β·∇H, where the advantage A is the
/// reward (the first objective, negated when minimized) minus a moving-average baseline, divided by the rewards' moving
/// standard deviation. The policy is rebuilt from storage by replaying the finished trials in number order (up to the
/// first one still running), so every worker samples from the same policy; a failed or pruned trial teaches nothing.
/// Small budgets give the policy few updates: expect it close to random search there.
/// </summary>
public sealed class ReinforceSampler : ArchitectureSampler
{
    private const int MaxBins = 64, FloatBins = 16;
    private readonly double _learningRate, _entropy, _baselineDecay;
    private readonly Dictionary<string, (Distribution Distribution, double[] Logits)> _policy = new(StringComparer.Ordinal);
    private (IStudyStorage Storage, long StudyId)? _owner;
    private int _folded;
    private double _baseline = double.NaN, _variance;

    /// <summary>Creates the controller.</summary>
    public ReinforceSampler(ArchitectureSpace space, long? seed = null, double learningRate = 0.1, double entropy = 0.01, double baselineDecay = 0.9)
        : base(space, seed)
    {
        if (!(learningRate > 0)) throw new ArgumentException($"learningRate must be positive, got {learningRate}", nameof(learningRate));
        if (!(entropy >= 0)) throw new ArgumentException($"entropy must not be negative, got {entropy}", nameof(entropy));
        if (!(baselineDecay is >= 0 and < 1)) throw new ArgumentException($"baselineDecay must be in [0, 1), got {baselineDecay}", nameof(baselineDecay));
        (_learningRate, _entropy, _baselineDecay) = (learningRate, entropy, baselineDecay);
    }

    /// <summary>The probabilities of each value of <paramref name="decision"/> under the current policy (null before it was seen).</summary>
    public double[]? Probabilities(string decision) => _policy.TryGetValue(decision, out var p) ? Softmax(p.Logits) : null;

    /// <inheritdoc/>
    protected override Plan Propose(Study study, FrozenTrial trial, TuningRandom rng)
    {
        Fold(study);
        return new Plan(new Dictionary<string, double>(), []);
    }

    /// <inheritdoc/>
    protected override double Fallback(Study study, FrozenTrial trial, string name, Distribution distribution)
    {
        var rng = RandomStreams.ForParameter(Seed, trial.Number, name);
        var logits = Logits(name, distribution);
        int k = rng.NextWeighted(Softmax(logits));
        return Value(distribution, k, logits.Length, rng);
    }

    // Replays the finished trials not yet folded, in number order, stopping at the first unfinished one.
    private void Fold(Study study)
    {
        if (_owner != (study.Storage, study.StudyId))
        {
            (_owner, _folded, _baseline, _variance) = ((study.Storage, study.StudyId), 0, double.NaN, 0);
            _policy.Clear();
        }
        var trials = study.Trials;
        double sign = study.Directions[0] == StudyDirection.Maximize ? 1 : -1;
        for (; _folded < trials.Count && trials[_folded].State.IsFinished(); _folded++)
        {
            var t = trials[_folded];
            if (t.State != TrialState.Complete || t.Values is not { Count: > 0 } values || !double.IsFinite(values[0])) continue;
            double reward = sign * values[0];
            if (double.IsNaN(_baseline))
            {
                _baseline = reward;
                continue;
            }
            double advantage = (reward - _baseline) / Math.Max(Math.Sqrt(_variance), 1e-8);
            _variance = _baselineDecay * _variance + (1 - _baselineDecay) * (reward - _baseline) * (reward - _baseline);
            _baseline = _baselineDecay * _baseline + (1 - _baselineDecay) * reward;
            foreach (var (name, value) in t.InternalParams)
            {
                var logits = Logits(name, t.Distributions[name]);
                int k = Index(t.Distributions[name], value, logits.Length);
                var p = Softmax(logits);
                double h = -p.Sum(q => q > 0 ? q * Math.Log(q) : 0);
                for (int j = 0; j < logits.Length; j++)
                {
                    double logProbability = (j == k ? 1 : 0) - p[j];
                    double entropy = p[j] > 0 ? -p[j] * (Math.Log(p[j]) + h) : 0;
                    logits[j] += _learningRate * (advantage * logProbability + _entropy * entropy);
                }
            }
        }
    }

    private double[] Logits(string name, Distribution distribution)
    {
        if (_policy.TryGetValue(name, out var entry) && entry.Distribution.Equals(distribution)) return entry.Logits;
        var logits = new double[Bins(distribution)];
        _policy[name] = (distribution, logits);
        return logits;
    }

    private static int Bins(Distribution d) => d switch
    {
        CategoricalDistribution c => c.Choices.Count,
        IntDistribution i => (int)Math.Min(MaxBins, ((long)i.High - i.Low) / i.Step + 1),
        FloatDistribution { Step: double s } f => (int)Math.Min(MaxBins, Math.Round((f.High - f.Low) / s) + 1),
        _ => FloatBins,
    };

    private static int Index(Distribution d, double value, int bins) => d switch
    {
        CategoricalDistribution => (int)value,
        IntDistribution i when bins == (long)(i.High - i.Low) / i.Step + 1 => (int)((value - i.Low) / i.Step),
        FloatDistribution { Step: double s } f when bins == Math.Round((f.High - f.Low) / s) + 1 => (int)Math.Round((value - f.Low) / s),
        _ => Math.Clamp((int)(Fraction(d, value) * bins), 0, bins - 1),
    };

    private static double Value(Distribution d, int k, int bins, TuningRandom rng)
    {
        switch (d)
        {
            case CategoricalDistribution:
                return k;
            case IntDistribution i when bins == (long)(i.High - i.Low) / i.Step + 1:
                return i.Low + (double)k * i.Step;
            case FloatDistribution { Step: double s } f when bins == Math.Round((f.High - f.Low) / s) + 1:
                return Math.Min(f.High, f.Low + k * s);
            default:
            {
                // A bin of a wide or continuous range: a uniform point inside it, mapped back (log scale for log ranges).
                double u = (k + rng.NextDouble()) / bins;
                return d switch
                {
                    IntDistribution i => Math.Clamp(Math.Round((i.Low + u * (i.High - i.Low)) / i.Step) * i.Step, i.Low, i.High),
                    FloatDistribution { Log: true } f => Math.Clamp(Math.Exp(Math.Log(f.Low) + u * (Math.Log(f.High) - Math.Log(f.Low))), f.Low, f.High),
                    FloatDistribution f => f.Step is double s ? Math.Clamp(f.Low + Math.Round(u * (f.High - f.Low) / s) * s, f.Low, f.High) : f.Low + u * (f.High - f.Low),
                    _ => throw new DescentInternalException($"no bins for {d}"),
                };
            }
        }
    }

    private static double Fraction(Distribution d, double value) => d switch
    {
        IntDistribution i => i.High > i.Low ? (value - i.Low) / (i.High - i.Low + 1e-9) : 0,
        FloatDistribution { Log: true } f => f.High > f.Low ? (Math.Log(value) - Math.Log(f.Low)) / (Math.Log(f.High) - Math.Log(f.Low) + 1e-12) : 0,
        FloatDistribution f => f.High > f.Low ? (value - f.Low) / (f.High - f.Low + 1e-12) : 0,
        _ => 0,
    };

    private static double[] Softmax(double[] logits)
    {
        double max = logits.Max();
        var p = logits.Select(z => Math.Exp(z - max)).ToArray();
        double sum = p.Sum();
        for (int i = 0; i < p.Length; i++) p[i] /= sum;
        return p;
    }
}

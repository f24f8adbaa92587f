using System.Diagnostics;

namespace Descent.Tuning;

/// <summary>Per-trial timings of one in-memory study (see <see cref="TuningBenchmark.MeasureOverhead"/>).</summary>
/// <param name="TrialMs">Wall time of each trial in milliseconds (sampling, storage and objective), in trial order.</param>
/// <param name="SamplerMs">Time spent inside the sampler during each trial, in milliseconds.</param>
public sealed record OverheadTimings(double[] TrialMs, double[] SamplerMs)
{
    /// <summary>Mean wall time per trial over the last <paramref name="window"/> trials (all when fewer).</summary>
    public double MeanTrialMs(int window) => TailMean(TrialMs, window);

    /// <summary>Mean sampler time per trial over the last <paramref name="window"/> trials (all when fewer).</summary>
    public double MeanSamplerMs(int window) => TailMean(SamplerMs, window);

    private static double TailMean(double[] values, int window)
    {
        int n = Math.Min(Math.Max(window, 1), values.Length);
        if (n == 0) return double.NaN;
        double s = 0;
        for (int i = values.Length - n; i < values.Length; i++) s += values[i];
        return s / n;
    }
}

/// <summary>
/// The measurements behind <c>descent bench tune</c> and bench/compare/tuning.sh: sampler overhead per trial on a
/// trivial objective, and the best value reached per seed on the <see cref="BenchmarkFunctions"/>.
/// </summary>
public static class TuningBenchmark
{
    /// <summary>The sampler names accepted by <see cref="CreateSampler"/>.</summary>
    public static IReadOnlyList<string> SamplerNames { get; } = ["tpe", "tpe-univariate", "tpe-multivariate", "tpe-optuna", "random", "gp", "cmaes", "qmc", "ga", "sa", "sa-plain"];

    /// <summary>A sampler by name with its default settings and <paramref name="seed"/> (<c>tpe-univariate</c> and <c>tpe-multivariate</c>: TPE with that one setting forced; <c>tpe-optuna</c>: <see cref="TpeOptions.Optuna"/>; <c>sa-plain</c>: <see cref="AnnealingOptions.Plain"/>).</summary>
    /// <exception cref="ArgumentException">Unknown name.</exception>
    public static ISampler CreateSampler(string name, long seed) => name switch
    {
        "tpe" => new TpeSampler(seed),
        "tpe-univariate" => new TpeSampler(new TpeOptions { Seed = seed, Multivariate = false }),
        "tpe-multivariate" => new TpeSampler(new TpeOptions { Seed = seed, Multivariate = true }),
        "tpe-optuna" => new TpeSampler(TpeOptions.Optuna with { Seed = seed }),
        "random" => new RandomSampler(seed),
        "gp" => new GpSampler(seed),
        "cmaes" => new CmaEsSampler(seed),
        "qmc" => new QmcSampler(seed),
        "ga" => new GeneticSampler(seed),
        "sa" => new AnnealingSampler(seed),
        "sa-plain" => new AnnealingSampler(AnnealingOptions.Plain with { Seed = seed }),
        _ => throw new ArgumentException($"unknown sampler '{name}' ({string.Join(", ", SamplerNames)})", nameof(name)),
    };

    /// <summary>
    /// Runs <paramref name="trials"/> trials of <paramref name="objective"/> with <paramref name="sampler"/> in an
    /// in-memory study (one worker, no pruner) and returns each trial's wall time (from the end of the previous
    /// trial to the end of this one, as Optuna's <c>study.optimize</c> callbacks see it) and its time in the sampler.
    /// </summary>
    public static OverheadTimings MeasureOverhead(ISampler sampler, Func<Trial, double> objective, int trials)
    {
        ArgumentNullException.ThrowIfNull(sampler);
        ArgumentNullException.ThrowIfNull(objective);
        ArgumentOutOfRangeException.ThrowIfNegative(trials);
        var timed = new TimedSampler(sampler);
        var study = Study.Create(new StudyOptions { Sampler = timed, Pruner = new NopPruner() });
        var trialMs = new double[trials];
        var samplerMs = new double[trials];
        int i = 0;
        long last = Stopwatch.GetTimestamp(), lastSampler = 0;
        void Record(Study s, FrozenTrial t)
        {
            long now = Stopwatch.GetTimestamp(), inSampler = timed.ElapsedTicks;
            if (i < trials)
            {
                trialMs[i] = Stopwatch.GetElapsedTime(last, now).TotalMilliseconds;
                samplerMs[i] = Stopwatch.GetElapsedTime(lastSampler, inSampler).TotalMilliseconds;
                i++;
            }
            last = now;
            lastSampler = inSampler;
        }
        study.Optimize(objective, nTrials: trials, callbacks: [Record]);
        return new OverheadTimings(trialMs, samplerMs);
    }

    /// <summary>
    /// Runs one in-memory study of <paramref name="trials"/> trials per seed 0 … <paramref name="seeds"/> − 1 and
    /// returns each study's best value, in seed order.
    /// </summary>
    public static double[] BestValues(Func<long, ISampler> sampler, Func<Trial, double> objective, int trials, int seeds)
    {
        ArgumentNullException.ThrowIfNull(sampler);
        ArgumentNullException.ThrowIfNull(objective);
        var best = new double[seeds];
        for (int s = 0; s < seeds; s++)
        {
            var study = Study.Create(new StudyOptions { Sampler = sampler(s), Pruner = new NopPruner() });
            study.Optimize(objective, nTrials: trials);
            best[s] = study.BestValue;
        }
        return best;
    }

    /// <summary>The median of <paramref name="values"/> (mean of the two middle values for an even count), as numpy's.</summary>
    public static double Median(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0) return double.NaN;
        var sorted = values.ToArray();
        Array.Sort(sorted);
        int m = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[m] : 0.5 * (sorted[m - 1] + sorted[m]);
    }
}

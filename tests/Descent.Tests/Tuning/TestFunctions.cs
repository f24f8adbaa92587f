using Descent.Tuning;

namespace Descent.Tests.Tuning;

/// <summary>Short names for the sampler tests over the library's <see cref="BenchmarkFunctions"/>.</summary>
internal static class TestFunctions
{
    /// <summary>Branin on [−5, 10] × [0, 15]; global minimum 0.397887 at three points.</summary>
    public const double BraninMin = BenchmarkFunctions.BraninMin;

    /// <summary>Hartmann-6 on [0, 1]^6; global minimum −3.32237.</summary>
    public const double Hartmann6Min = BenchmarkFunctions.Hartmann6Min;

    public static double BraninObjective(Trial t) => BenchmarkFunctions.BraninObjective(t);

    public static double Hartmann6Objective(Trial t) => BenchmarkFunctions.Hartmann6Objective(t);

    public static double Rosenbrock10Objective(Trial t) => BenchmarkFunctions.Rosenbrock10Objective(t);

    /// <summary>Runs one study per seed and returns each study's best value, sorted.</summary>
    public static double[] BestValues(Func<long, ISampler> sampler, Func<Trial, double> objective, int trials, int seeds)
    {
        var best = TuningBenchmark.BestValues(sampler, objective, trials, seeds);
        Array.Sort(best);
        return best;
    }

    /// <summary>The upper median of a sorted array.</summary>
    public static double Median(double[] sorted) => sorted[sorted.Length / 2];
}

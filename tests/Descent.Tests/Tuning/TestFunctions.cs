using Descent.Tuning;

namespace Descent.Tests.Tuning;

/// <summary>Standard black-box benchmarks (Surjanovic &amp; Bingham's Virtual Library of Simulation Experiments) as study objectives.</summary>
internal static class TestFunctions
{
    /// <summary>Branin on [−5, 10] × [0, 15]; global minimum 0.397887 at three points.</summary>
    public const double BraninMin = 0.397887;

    /// <summary>Hartmann-6 on [0, 1]^6; global minimum −3.32237.</summary>
    public const double Hartmann6Min = -3.32237;

    public static double Branin(double x1, double x2)
    {
        const double b = 5.1 / (4 * Math.PI * Math.PI), c = 5 / Math.PI, t = 1 / (8 * Math.PI);
        double u = x2 - b * x1 * x1 + c * x1 - 6;
        return u * u + 10 * (1 - t) * Math.Cos(x1) + 10;
    }

    private static readonly double[] Alpha = [1.0, 1.2, 3.0, 3.2];
    private static readonly double[,] A = { { 10, 3, 17, 3.5, 1.7, 8 }, { 0.05, 10, 17, 0.1, 8, 14 }, { 3, 3.5, 1.7, 10, 17, 8 }, { 17, 8, 0.05, 10, 0.1, 14 } };
    private static readonly double[,] P =
    {
        { 1312, 1696, 5569, 124, 8283, 5886 }, { 2329, 4135, 8307, 3736, 1004, 9991 },
        { 2348, 1451, 3522, 2883, 3047, 6650 }, { 4047, 8828, 8732, 5743, 1091, 381 },
    };

    public static double Hartmann6(double[] x)
    {
        double s = 0;
        for (int i = 0; i < 4; i++)
        {
            double e = 0;
            for (int j = 0; j < 6; j++) e += A[i, j] * Math.Pow(x[j] - P[i, j] * 1e-4, 2);
            s -= Alpha[i] * Math.Exp(-e);
        }
        return s;
    }

    public static double Rosenbrock(double[] x)
    {
        double s = 0;
        for (int i = 0; i < x.Length - 1; i++) s += 100 * Math.Pow(x[i + 1] - x[i] * x[i], 2) + Math.Pow(1 - x[i], 2);
        return s;
    }

    public static double BraninObjective(Trial t) => Branin(t.SuggestFloat("x1", -5, 10), t.SuggestFloat("x2", 0, 15));

    public static double Hartmann6Objective(Trial t) => Hartmann6(Enumerable.Range(0, 6).Select(i => t.SuggestFloat("x" + i, 0, 1)).ToArray());

    public static double Rosenbrock10Objective(Trial t) => Rosenbrock(Enumerable.Range(0, 10).Select(i => t.SuggestFloat("x" + i, -5, 10)).ToArray());

    /// <summary>Runs one study per seed and returns each study's best value, sorted.</summary>
    public static double[] BestValues(Func<long, ISampler> sampler, Func<Trial, double> objective, int trials, int seeds)
    {
        var best = new double[seeds];
        for (int s = 0; s < seeds; s++)
        {
            var study = Study.Create(new StudyOptions { Sampler = sampler(s), Pruner = new NopPruner() });
            study.Optimize(objective, nTrials: trials);
            best[s] = study.BestValue;
        }
        Array.Sort(best);
        return best;
    }

    public static double Median(double[] sorted) => sorted[sorted.Length / 2];
}

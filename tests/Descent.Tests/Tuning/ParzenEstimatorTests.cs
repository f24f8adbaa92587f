using Descent.Tuning;

namespace Descent.Tests.Tuning;

public class ParzenEstimatorTests
{
    private static readonly TpeOptions Defaults = new();

    [Fact]
    public void ContinuousLogPdfIsTheTruncatedNormalMixture()
    {
        // Observations 2, 5, 6 on [0, 10]: sorted with endpoints [0, 2, 5, 6, 10]; without endpoints the
        // outer kernels use their inner gaps: σ = (3, 3, 1), clipped below at 10/min(100, 5) = 2 → (3, 3, 2);
        // the prior kernel is N(5, 10). Weights 1,1,1 + prior 1, normalized to ¼ each.
        var est = new ParzenEstimator([new FloatDistribution(0, 10)], [[2, 5, 6]], 3, Defaults, null);
        double[] mu = [2, 5, 6, 5], sigma = [3, 3, 2, 10];
        foreach (var x in new[] { 0.0, 1.3, 5.5, 9.9 })
        {
            double p = 0;
            for (int k = 0; k < 4; k++)
            {
                double z = (x - mu[k]) / sigma[k];
                double mass = SpecialFunctions.NormCdf((10 - mu[k]) / sigma[k]) - SpecialFunctions.NormCdf((0 - mu[k]) / sigma[k]);
                p += 0.25 * Math.Exp(-0.5 * z * z) / (sigma[k] * Math.Sqrt(2 * Math.PI) * mass);
            }
            Assert.Equal(Math.Log(p), est.LogPdf([[x]])[0], 12);
        }
    }

    [Fact]
    public void PriorMeanCountsAsANeighbourForBandwidths()
    {
        // Optuna sorts the observations together with the prior mean: observations 1 and 9 on [0, 10] with the
        // prior at 5 give e = [0, 1, 5, 9, 10]; without endpoints the outer kernels take their inner gaps, 4 and 4
        // (not 8, the gap between the two observations), above the clip 10/min(100, 4) = 2.5.
        var est = new ParzenEstimator([new FloatDistribution(0, 10)], [[1, 9]], 2, Defaults, null);
        double[] mu = [1, 9, 5], sigma = [4, 4, 10];
        foreach (var x in new[] { 0.5, 3.0, 5.0, 8.7 })
        {
            double p = 0;
            for (int k = 0; k < 3; k++)
            {
                double z = (x - mu[k]) / sigma[k];
                double mass = SpecialFunctions.NormCdf((10 - mu[k]) / sigma[k]) - SpecialFunctions.NormCdf((0 - mu[k]) / sigma[k]);
                p += Math.Exp(-0.5 * z * z) / (3 * sigma[k] * Math.Sqrt(2 * Math.PI) * mass);
            }
            Assert.Equal(Math.Log(p), est.LogPdf([[x]])[0], 12);
        }
    }

    [Fact]
    public void LogPdfIsAccurateWithManyNarrowKernels()
    {
        var rng = new TuningRandom(3);
        var obs = Enumerable.Range(0, 997).Select(_ => rng.NextDouble(-5, 5)).ToArray();
        var est = new ParzenEstimator([new FloatDistribution(-5, 5)], [obs], obs.Length, Defaults, null);
        // Density integrates to 1 over the range (trapezoid rule on a fine grid).
        int n = 5000;
        double h = 10.0 / n, sum = 0;
        var points = Enumerable.Range(0, n + 1).Select(i => new[] { -5 + i * h }).ToArray();
        var logp = est.LogPdf(points);
        for (int i = 0; i <= n; i++) sum += (i == 0 || i == n ? 0.5 : 1) * Math.Exp(logp[i]) * h;
        Assert.Equal(1.0, sum, 4);
    }

    [Fact]
    public void DiscreteAndCategoricalMassesSumToOne()
    {
        var ints = new IntDistribution(1, 6);
        var est = new ParzenEstimator([ints], [[2, 2, 5]], 3, Defaults, null);
        double total = Enumerable.Range(1, 6).Sum(v => Math.Exp(est.LogPdf([[v]])[0]));
        Assert.Equal(1.0, total, 12);

        var logInts = new IntDistribution(1, 64, log: true);
        var est2 = new ParzenEstimator([logInts], [[3, 40]], 2, Defaults, null);
        Assert.Equal(1.0, Enumerable.Range(1, 64).Sum(v => Math.Exp(est2.LogPdf([[v]])[0])), 12);

        var cat = new CategoricalDistribution(["a", "b", "c"]);
        var est3 = new ParzenEstimator([cat], [[0, 0, 2]], 3, Defaults, null);
        var probs = Enumerable.Range(0, 3).Select(i => Math.Exp(est3.LogPdf([[i]])[0])).ToArray();
        // Kernels: weight 1 on the observed choice + ¼ prior mass on each, normalized; then averaged with the uniform prior kernel.
        double own = 1.25 / 1.75, other = 0.25 / 1.75;
        Assert.Equal((own + own + other + 1.0 / 3) / 4, probs[0], 12);
        Assert.Equal((other + other + other + 1.0 / 3) / 4, probs[1], 12);
        Assert.Equal(1.0, probs.Sum(), 12);
    }

    [Fact]
    public void SamplesStayInsideTheirDistributions()
    {
        var rng = new TuningRandom(1);
        Distribution[] space = [new FloatDistribution(1e-4, 1, log: true), new FloatDistribution(0, 1, step: 0.1), new IntDistribution(0, 10, step: 5), new CategoricalDistribution(["p", "q"])];
        var est = new ParzenEstimator(space, [[1e-4, 0.5], [0.0, 1.0], [10, 5], [1, 0]], 2, Defaults, null);
        foreach (var row in est.Sample(rng, 500))
            for (int d = 0; d < space.Length; d++) Assert.True(space[d].Contains(row[d]), $"{row[d]} outside {space[d]}");
    }

    [Fact]
    public void CachedSortOrderGivesTheSameEstimator()
    {
        var obs = new double[] { 3, 1, 4, 1.5, 9, 2.6 };
        int[] order = [1, 3, 5, 0, 2, 4];
        var a = new ParzenEstimator([new FloatDistribution(0, 10)], [obs], obs.Length, Defaults, null);
        var b = new ParzenEstimator([new FloatDistribution(0, 10)], [obs], obs.Length, Defaults, null, [order]);
        var pts = Enumerable.Range(0, 50).Select(i => new[] { i * 0.2 }).ToArray();
        Assert.Equal(a.LogPdf(pts), b.LogPdf(pts));
    }
}

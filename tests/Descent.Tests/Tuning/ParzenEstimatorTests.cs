using Descent.Tuning;

namespace Descent.Tests.Tuning;

public class ParzenEstimatorTests
{
    // The hand-computed bandwidths below use Optuna's magic clip (range / min(100, kernels + 1)).
    private static readonly TpeOptions Defaults = TpeOptions.Optuna;

    // log Σ w_k N_trunc(x; μ_k, σ_k) on [low, high]: the mixture the estimator must equal.
    private static double MixtureLogPdf(double x, double low, double high, double[] mu, double[] sigma, double[] weights)
    {
        double p = 0;
        for (int k = 0; k < mu.Length; k++)
        {
            double z = (x - mu[k]) / sigma[k];
            double mass = SpecialFunctions.NormCdf((high - mu[k]) / sigma[k]) - SpecialFunctions.NormCdf((low - mu[k]) / sigma[k]);
            p += weights[k] * Math.Exp(-0.5 * z * z) / (sigma[k] * Math.Sqrt(2 * Math.PI) * mass);
        }
        return Math.Log(p);
    }

    [Theory]
    [InlineData(2.0, 0.03, new[] { 3.0, 3, 1 })]   // floor 10·max(0.03, 5^−2) = 0.4: the σ = 1 kernel stays narrow
    [InlineData(2.0, 0.2, new[] { 3.0, 3, 2 })]    // floor 10·max(0.2, 0.04) = 2
    [InlineData(1.0, 0.01, new[] { 3.0, 3, 2 })]   // Optuna: 10 / min(100, 5) = 2
    [InlineData(0.5, 0.01, new[] { 4.472135954999579, 4.472135954999579, 4.472135954999579 })] // 10·5^−½
    public void MagicClipFloorIsTheRangeTimesTheLargerOfFactorAndKernelPower(double alpha, double factor, double[] sigmas)
    {
        // Observations 2, 5, 6 on [0, 10], prior at 5: neighbour gaps (3, 3, 1) before the clip; 4 kernels.
        var settings = new TpeOptions { MagicClipExponent = alpha, MinBandwidthFactor = factor };
        var est = new ParzenEstimator([new FloatDistribution(0, 10)], [[2, 5, 6]], 3, settings, null);
        double[] mu = [2, 5, 6, 5], sigma = [.. sigmas, 10];
        foreach (var x in new[] { 0.0, 1.3, 5.5, 6.2, 9.9 })
            Assert.Equal(MixtureLogPdf(x, 0, 10, mu, sigma, [0.25, 0.25, 0.25, 0.25]), est.LogPdf([[x]])[0], 12);
    }

    [Fact]
    public void ScottBandwidthIsOneWidthPerDimension()
    {
        // Optuna's multivariate rule: σ = 0.2 · n^(−1/(d+4)) · range for every observation, the prior kernel as wide
        // as the range; n = 3 in d = 2 → 0.2 · 3^(−1/6) ≈ 0.1665 of the range, above the clip.
        var settings = new TpeOptions { Bandwidth = TpeBandwidth.Scott };
        Distribution[] space = [new FloatDistribution(0, 10), new FloatDistribution(-1, 1)];
        var est = new ParzenEstimator(space, [[2, 5, 6], [0.5, -0.5, 0]], 3, settings, null);
        double f = 0.2 * Math.Pow(3, -1.0 / 6);
        foreach (var (x, y) in new[] { (1.0, 0.4), (5.5, -0.9), (9.0, 0.0) })
        {
            double expected = Math.Log(Enumerable.Range(0, 4).Sum(k =>
            {
                double[] mx = [2, 5, 6, 5], my = [0.5, -0.5, 0, 0];
                double sx = k < 3 ? 10 * f : 10, sy = k < 3 ? 2 * f : 2;
                return 0.25 * Math.Exp(MixtureLogPdf(x, 0, 10, [mx[k]], [sx], [1]) + MixtureLogPdf(y, -1, 1, [my[k]], [sy], [1]));
            }));
            Assert.Equal(expected, est.LogPdf([[x, y]])[0], 12);
        }
        // The Optuna rule picks Scott's for multivariate TPE and the neighbour gaps for univariate TPE.
        var optunaMulti = new ParzenEstimator(space, [[2, 5, 6], [0.5, -0.5, 0]], 3, TpeOptions.Optuna with { Multivariate = true }, null);
        var scottOptunaClip = new ParzenEstimator(space, [[2, 5, 6], [0.5, -0.5, 0]], 3, TpeOptions.Optuna with { Bandwidth = TpeBandwidth.Scott }, null);
        Assert.Equal(scottOptunaClip.LogPdf([[1, 0.4]]), optunaMulti.LogPdf([[1, 0.4]]));
        var optunaUni = new ParzenEstimator([space[0]], [[2, 5, 6]], 3, TpeOptions.Optuna, null);
        Assert.Equal(MixtureLogPdf(1.3, 0, 10, [2, 5, 6, 5], [3, 3, 2, 10], [0.25, 0.25, 0.25, 0.25]), optunaUni.LogPdf([[1.3]])[0], 12);
    }

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

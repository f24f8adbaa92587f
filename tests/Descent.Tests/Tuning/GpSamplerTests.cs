using System.Diagnostics;
using Descent.Tuning;

namespace Descent.Tests.Tuning;

public class GpSamplerTests
{
    [Fact]
    public void LogEiMatchesTheDirectFormulaAndStaysFiniteInTheFarTail()
    {
        // Direct formula where it is accurate.
        foreach (double z in new[] { -8.0, -3, -0.5, 0, 0.7, 4 })
        {
            double pdf = Math.Exp(-0.5 * z * z) / Math.Sqrt(2 * Math.PI);
            Assert.Equal(Math.Log(pdf + z * SpecialFunctions.NormCdf(z)), LogExpectedImprovement.LogH(z), 12);
        }
        // The series branch joins the direct branch continuously at z = −10.
        Assert.Equal(LogExpectedImprovement.LogH(-10 + 1e-9), LogExpectedImprovement.LogH(-10 - 1e-9), 7);
        // Far tail: h(z) ≈ φ(z)/z², so log h ≈ −z²/2 − log√(2π) − 2 log|z| (next term −3/z² relative).
        double far = -40;
        Assert.Equal(-0.5 * far * far - SpecialFunctions.LogSqrt2Pi - 2 * Math.Log(40) + Math.Log(1 - 3 / (far * far) + 15 / Math.Pow(far, 4) - 105 / Math.Pow(far, 6) + 945 / Math.Pow(far, 8)),
            LogExpectedImprovement.LogH(far), 9);
        Assert.True(double.IsFinite(LogExpectedImprovement.LogH(-1e4)));
        // Derivative Φ(z)/h(z) against central differences, both branches.
        foreach (double z in new[] { -30.0, -12, -2, 0.3, 3 })
        {
            double h = 1e-5;
            double fd = (LogExpectedImprovement.LogH(z + h) - LogExpectedImprovement.LogH(z - h)) / (2 * h);
            Assert.Equal(fd, LogExpectedImprovement.LogHDerivative(z, LogExpectedImprovement.LogH(z)), 5);
        }
    }

    private static (double[] X, double[] Y, int N, int Dim) ToyData()
    {
        var rng = new TuningRandom(11);
        const int n = 25, dim = 3;
        var x = new double[n * dim];
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            for (int c = 0; c < dim; c++) x[i * dim + c] = rng.NextDouble();
            y[i] = Math.Sin(6 * x[i * dim]) + 0.3 * x[i * dim + 1] + 0.05 * rng.NextGaussian();
        }
        return (x, y, n, dim);
    }

    [Fact]
    public void KernelFitGradientMatchesFiniteDifferences()
    {
        var (x, y, n, dim) = ToyData();
        var fit = new GpKernelFit(x, n, dim, [0, 1, 1], 2, y, 1e-6, false);
        double[] raw = [0.3, -1.2, 0.4, -2.5];
        var grad = new double[4];
        fit.Loss(raw, grad);
        for (int k = 0; k < raw.Length; k++)
        {
            const double h = 1e-6;
            var plus = (double[])raw.Clone(); plus[k] += h;
            var minus = (double[])raw.Clone(); minus[k] -= h;
            var scratch = new double[4];
            double fd = (fit.Loss(plus, scratch) - fit.Loss(minus, scratch)) / (2 * h);
            Assert.True(Math.Abs(fd - grad[k]) <= 1e-5 * Math.Max(1, Math.Abs(fd)), $"param {k}: analytic {grad[k]}, numeric {fd}");
        }
    }

    [Fact]
    public void FittedGpLearnsRelevanceAndPredictsWithCorrectGradients()
    {
        var (x, y, n, dim) = ToyData();
        int[] groups = [0, 1, 2];
        var fit = new GpKernelFit(x, n, dim, groups, 3, y, 1e-6, false);
        var (kernel, loss) = fit.TryFit([new GpKernelParams([1.0, 1, 1], 1, 1)]);
        Assert.True(double.IsFinite(loss));
        // y depends strongly on x0, weakly on x1, not on x2: the fitted lengthscales must order accordingly.
        Assert.True(kernel.InverseSquaredLengthscales[0] > kernel.InverseSquaredLengthscales[2], string.Join(", ", kernel.InverseSquaredLengthscales));
        var gp = new GaussianProcess(x, n, dim, groups, y, kernel);
        var scratch = gp.NewScratch();
        // Small noise: the posterior mean follows the data at training points.
        for (int i = 0; i < n; i++) Assert.Equal(y[i], gp.Predict(x.AsSpan(i * dim, dim), scratch).Mean, 0.2);
        double[] point = [0.31, 0.62, 0.17];
        var gm = new double[dim];
        var gv = new double[dim];
        var (mean, variance) = gp.PredictWithGradient(point, gm, gv, scratch);
        Assert.Equal(gp.Predict(point, scratch).Mean, mean, 12);
        Assert.Equal(gp.Predict(point, scratch).Variance, variance, 12);
        for (int c = 0; c < dim; c++)
        {
            const double h = 1e-6;
            var p = (double[])point.Clone(); p[c] += h;
            var m = (double[])point.Clone(); m[c] -= h;
            var up = gp.Predict(p, scratch);
            var down = gp.Predict(m, scratch);
            Assert.Equal((up.Mean - down.Mean) / (2 * h), gm[c], 5);
            Assert.Equal((up.Variance - down.Variance) / (2 * h), gv[c], 5);
        }
    }

    [Fact]
    public void BraninReachesTheOptimumRegionAndBeatsRandom()
    {
        var gp = TestFunctions.BestValues(s => new GpSampler(s), TestFunctions.BraninObjective, 40, 3);
        var random = TestFunctions.BestValues(s => new RandomSampler(s), TestFunctions.BraninObjective, 40, 3);
        Assert.True(TestFunctions.Median(gp) < TestFunctions.BraninMin + 0.05, $"GP median {TestFunctions.Median(gp)}");
        Assert.True(TestFunctions.Median(gp) < TestFunctions.Median(random), $"GP {TestFunctions.Median(gp)} vs random {TestFunctions.Median(random)}");
    }

    [Fact]
    public void Hartmann6AndRosenbrock10BeatRandom()
    {
        var gpH = TestFunctions.BestValues(s => new GpSampler(s), TestFunctions.Hartmann6Objective, 50, 3);
        var randomH = TestFunctions.BestValues(s => new RandomSampler(s), TestFunctions.Hartmann6Objective, 50, 3);
        Assert.True(TestFunctions.Median(gpH) < -2.8, $"GP Hartmann-6 median {TestFunctions.Median(gpH)}");
        Assert.True(TestFunctions.Median(gpH) < TestFunctions.Median(randomH), $"GP {TestFunctions.Median(gpH)} vs random {TestFunctions.Median(randomH)}");

        var gpR = TestFunctions.BestValues(s => new GpSampler(s), TestFunctions.Rosenbrock10Objective, 50, 3);
        var randomR = TestFunctions.BestValues(s => new RandomSampler(s), TestFunctions.Rosenbrock10Objective, 50, 3);
        Assert.True(TestFunctions.Median(gpR) < TestFunctions.Median(randomR) / 4, $"GP Rosenbrock-10 {TestFunctions.Median(gpR)} vs random {TestFunctions.Median(randomR)}");
    }

    [Fact]
    public void SameSeedSameSequenceAndMixedSpacesStayInRange()
    {
        static string[] Run(long seed)
        {
            var study = Study.Create(new StudyOptions { Sampler = new GpSampler(new GpOptions { Seed = seed, NStartupTrials = 5, NCandidates = 256 }) });
            study.Optimize(t =>
            {
                double lr = t.SuggestFloat("lr", 1e-4, 1, log: true);
                int width = t.SuggestInt("width", 8, 256, log: true);
                int layers = t.SuggestInt("layers", 1, 7, step: 2);
                double drop = t.SuggestFloat("drop", 0, 0.5, step: 0.1);
                string opt = t.SuggestCategorical("opt", "sgd", "adam", "rmsprop");
                Assert.InRange(width, 8, 256);
                Assert.True(layers % 2 == 1);
                Assert.Contains(Math.Round(drop, 10), new[] { 0, 0.1, 0.2, 0.3, 0.4, 0.5 });
                return Math.Pow(Math.Log10(lr) + 2, 2) + Math.Abs(Math.Log2(width) - 6) + Math.Abs(layers - 3) + Math.Abs(drop - 0.2) + (opt == "adam" ? 0 : 2);
            }, nTrials: 25);
            return study.Trials.Select(t => string.Join(",", t.Params.OrderBy(kv => kv.Key).Select(kv => kv.Value))).ToArray();
        }
        var a = Run(3);
        Assert.Equal(a, Run(3));
        Assert.NotEqual(a.Skip(5), Run(4).Skip(5));
    }

    [Fact]
    public void ConcentratesOnTheBestCategoricalChoice()
    {
        var study = Study.Create(new StudyOptions { Sampler = new GpSampler(new GpOptions { Seed = 1, NCandidates = 512 }) });
        study.Optimize(t => Math.Pow(t.SuggestFloat("x", -2, 2), 2) + t.SuggestCategorical("c", 3.0, 0.0, 1.5), nTrials: 30);
        Assert.True(study.Trials.Skip(15).Count(t => (double)t.Params["c"]! == 0.0) >= 10);
        Assert.True(study.BestValue < 0.05, $"best {study.BestValue}");
    }

    [Fact]
    public void RejectsMultiObjectiveStudiesAndBadOptions()
    {
        Assert.Throws<ArgumentException>(() => new GpSampler(new GpOptions { NCandidates = 0 }));
        var study = Study.Create(new StudyOptions { Directions = [StudyDirection.Minimize, StudyDirection.Minimize], Sampler = new GpSampler(new GpOptions { NStartupTrials = 0 }) });
        study.Optimize(t => new[] { t.SuggestFloat("x", 0, 1), 1.0 }, nTrials: 1);
        var trial = study.Ask();
        Assert.Throws<InvalidOperationException>(() => trial.SuggestFloat("x", 0, 1));
    }
}

using Descent.Tuning;

namespace Descent.Tests.Tuning;

public class ImportanceTests
{
    // f = 10·x1 + 0.1·x2 + 0·x3 on [0, 1]³, 120 random trials.
    private static Study LinearStudy(StudyDirection direction = StudyDirection.Minimize)
    {
        var study = Study.Create(new StudyOptions { Direction = direction, Sampler = new RandomSampler(3) });
        study.Optimize(t => 10 * t.SuggestFloat("x1", 0, 1) + 0.1 * t.SuggestFloat("x2", 0, 1) + 0 * t.SuggestFloat("x3", 0, 1), nTrials: 120);
        return study;
    }

    public static TheoryData<string> Evaluators => ["fanova", "pedanova"];

    private static IImportanceEvaluator Make(string name) => name == "fanova" ? new FanovaImportanceEvaluator(seed: 1) : new PedAnovaImportanceEvaluator();

    [Theory]
    [MemberData(nameof(Evaluators))]
    public void RanksTheInfluentialParameterFirstAndTheDummyBelowIt(string evaluator)
    {
        foreach (var direction in new[] { StudyDirection.Minimize, StudyDirection.Maximize })
        {
            var importances = Make(evaluator).Evaluate(LinearStudy(direction));
            Assert.Equal(["x1", "x2", "x3"], importances.Keys.Order());
            Assert.Equal(1.0, importances.Values.Sum(), 12);
            Assert.Equal("x1", importances.Keys.First()); // enumerated most important first
            Assert.True(importances["x1"] > importances["x3"] + 0.5, $"{evaluator} {direction}: {string.Join(", ", importances)}");
            Assert.True(importances["x1"] > importances["x2"], $"{evaluator} {direction}: {string.Join(", ", importances)}");
            if (evaluator == "fanova") Assert.True(importances["x1"] > 0.95, string.Join(", ", importances));
        }
    }

    [Fact]
    public void FanovaDecompositionOfAnAdditiveTreeIsExact()
    {
        // f(a, b) = a + 2b on the four cells of [0, 1]² split at ½ (a, b ∈ {0, 1}): V(a) = ¼, V(2b) = 1,
        // V = 1.25, so the fractions are 0.2 and 0.8 and there is no interaction.
        var leaves = new List<(double, double[], double[])>
        {
            (0, [0, 0], [0.5, 0.5]), (1, [0.5, 0], [1, 0.5]), (2, [0, 0.5], [0.5, 1]), (3, [0.5, 0.5], [1, 1]),
        };
        var f = FanovaImportanceEvaluator.Decompose(leaves, 2)!;
        Assert.Equal(0.2, f[0], 12);
        Assert.Equal(0.8, f[1], 12);
        // Unequal cells: f = 1 on [0, 0.25) × [0, 1], else 0 → all variance in the first coordinate.
        var g = FanovaImportanceEvaluator.Decompose([(1, [0, 0], [0.25, 1]), (0, [0.25, 0], [1, 0.5]), (0, [0.25, 0.5], [1, 1])], 2)!;
        Assert.Equal(1.0, g[0], 12);
        Assert.Equal(0.0, g[1], 12);
        Assert.Null(FanovaImportanceEvaluator.Decompose([(5, [0, 0], [1, 1])], 2));
    }

    [Fact]
    public void RegressionTreeInterpolatesItsTrainingDataAndRespectsDepth()
    {
        var rng = new TuningRandom(2);
        var x = Enumerable.Range(0, 40).Select(_ => new[] { rng.NextDouble(), rng.NextDouble() }).ToArray();
        var y = x.Select(r => Math.Sin(5 * r[0]) + r[1]).ToArray();
        var all = Enumerable.Range(0, 40).ToArray();
        var deep = RegressionTree.Fit(x, y, all, 64, 2, 1, new TuningRandom(1));
        for (int i = 0; i < 40; i++) Assert.Equal(y[i], deep.Predict(x[i]), 12);
        var stump = RegressionTree.Fit(x, y, all, 1, 2, 1, new TuningRandom(1));
        Assert.Equal(3, stump.NodeCount);
        Assert.Equal(2, stump.Leaves([0, 0], [1, 1]).Count);
    }

    [Fact]
    public void HandlesMixedSpacesSingleValuedParametersAndIsSeeded()
    {
        var study = Study.Create(new StudyOptions { Sampler = new RandomSampler(5) });
        study.Optimize(t =>
        {
            string opt = t.SuggestCategorical("opt", "sgd", "adam", "rmsprop");
            double lr = t.SuggestFloat("lr", 1e-5, 1, log: true);
            int units = t.SuggestInt("units", 8, 128, step: 8);
            t.SuggestFloat("fixed", 2, 2);
            return (opt == "adam" ? 0 : 5) + 0.01 * Math.Abs(Math.Log10(lr) + 3) + 0 * units;
        }, nTrials: 150);
        // PED-ANOVA asks what separates the top quantile from the rest: within the top 10 % (all "adam") the
        // small lr term decides, so the question "opt or not" needs a quantile that spans all adam trials.
        foreach (var evaluator in new IImportanceEvaluator[] { new FanovaImportanceEvaluator(seed: 3), new PedAnovaImportanceEvaluator(baselineQuantile: 0.3) })
        {
            var imp = evaluator.Evaluate(study);
            Assert.Equal("opt", imp.Keys.First());
            Assert.Equal(0.0, imp["fixed"]);
            Assert.True(imp["opt"] > imp["units"], string.Join(", ", imp));
        }
        Assert.Equal(new FanovaImportanceEvaluator(seed: 3).Evaluate(study), new FanovaImportanceEvaluator(seed: 3).Evaluate(study));
        Assert.NotEqual(new FanovaImportanceEvaluator(seed: 3).Evaluate(study)["lr"], new FanovaImportanceEvaluator(seed: 4).Evaluate(study)["lr"]);
        var subset = ParameterImportance.Get(study, parameters: ["lr", "units"]);
        Assert.Equal(["lr", "units"], subset.Keys.Order());
    }

    [Fact]
    public void MultiObjectiveStudiesNeedATarget()
    {
        var study = Study.Create(new StudyOptions { Directions = [StudyDirection.Minimize, StudyDirection.Minimize], Sampler = new RandomSampler(1) });
        study.Optimize(t => { double a = t.SuggestFloat("a", 0, 1), b = t.SuggestFloat("b", 0, 1); return new[] { a, 5 * b + 0.01 * a }; }, nTrials: 60);
        Assert.Throws<ArgumentException>(() => new FanovaImportanceEvaluator(seed: 0).Evaluate(study));
        Assert.Throws<ArgumentException>(() => new PedAnovaImportanceEvaluator().Evaluate(study));
        Assert.Equal("a", new FanovaImportanceEvaluator(seed: 0).Evaluate(study, target: t => t.Values![0]).Keys.First());
        Assert.Equal("b", new PedAnovaImportanceEvaluator().Evaluate(study, target: t => t.Values![1]).Keys.First());
        Assert.Throws<InvalidOperationException>(() => new PedAnovaImportanceEvaluator().Evaluate(Study.Create()));
    }
}

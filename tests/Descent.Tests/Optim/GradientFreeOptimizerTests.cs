using Descent.Data;
using Descent.Experiments;
using Descent.NN;
using Descent.Optim;
using Descent.Tensors;
using Descent.Tests.Architecture;
using Descent.Training;

namespace Descent.Tests.Optim;

/// <summary>Neuroevolution: the gradient-free optimizers GA and SA, stepped with a closure, alone and in the Trainer.</summary>
public sealed class GradientFreeOptimizerTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("descent-neuroevolution-");

    public void Dispose() => _dir.Delete(recursive: true);

    // The seed text's regression: y = 2x + 2 on 100 points, fitted by Linear(1, 1).
    private static (Linear Model, Func<double> Loss) Regression(long seed = 0)
    {
        var generator = new Generator(seed);
        var x = Tensor.Randn(new Shape(100, 1), generator: generator);
        var y = 2 * x + 2;
        var model = new Linear(1, 1, generator: generator);
        var mse = new MSELoss();
        return (model, () =>
        {
            using var scope = StepScope.Begin();
            return mse.Call(model.Call(x), y).Item();
        });
    }

    // SA cools faster than its default here (400 steps) and is not reheated: a reheat to T₀ walks away from the fit.
    [Theory]
    [InlineData("ga", "")]
    [InlineData("sa", "cooling_rate=0.98,restart_ratio=1e-6")]
    public void RecoversTheSeedTextsLinearRegressionWithoutGradients(string name, string options)
    {
        var (model, loss) = Regression();
        var settings = new Dictionary<string, object?> { ["lr"] = 0.05 };
        foreach (var pair in options.Split(',', StringSplitOptions.RemoveEmptyEntries))
            settings[pair.Split('=')[0]] = double.Parse(pair.Split('=')[1], System.Globalization.CultureInfo.InvariantCulture);
        var optimizer = OptimizerFactory.Create(name, model.Parameters(), settings);
        Assert.False(optimizer.RequiresGradients);
        double first = loss(), last = first;
        for (int step = 0; step < 400; step++) last = optimizer.Step(loss);
        Assert.True(last < 1e-3 * first, $"{name}: loss {first} → {last}");
        Assert.Equal(2, model.Weight.Item(), 0.1);
        Assert.Equal(2, model.Bias!.Item(), 0.1);
        Assert.Null(model.Weight.Grad); // no backward pass ever ran
        Assert.Throws<InvalidOperationException>(() => optimizer.Step());
    }

    [Fact]
    public void TheGeneticOptimizerIsElitistAndReproducible()
    {
        static double[] Run(int seed)
        {
            var (model, loss) = Regression();
            var ga = new GeneticOptimizer(model.Parameters(), new GeneticOptimizerOptions(lr: 0.1, population: 6, seed: seed));
            var trace = new double[30];
            for (int i = 0; i < trace.Length; i++) trace[i] = ga.Step(loss);
            return trace;
        }
        var a = Run(1);
        Assert.Equal(a, Run(1));
        Assert.NotEqual(a, Run(2));
        // The same batch every step: the best of parents ∪ children never gets worse.
        for (int i = 1; i < a.Length; i++) Assert.True(a[i] <= a[i - 1], $"step {i}: {a[i]} > {a[i - 1]}");
    }

    [Fact]
    public void AResumedGeneticOptimizerContinuesExactly()
    {
        var (model, loss) = Regression();
        var ga = new GeneticOptimizer(model.Parameters(), new GeneticOptimizerOptions(lr: 0.1, population: 5, seed: 3));
        for (int i = 0; i < 10; i++) ga.Step(loss);
        var saved = ga.StateDict();
        var weights = model.StateDict();
        var straight = Enumerable.Range(0, 10).Select(_ => ga.Step(loss)).ToArray();

        var (model2, loss2) = Regression();
        model2.LoadStateDict(weights);
        var resumed = new GeneticOptimizer(model2.Parameters(), new GeneticOptimizerOptions(lr: 0.1, population: 5, seed: 3));
        resumed.LoadStateDict(saved);
        Assert.Equal(straight, Enumerable.Range(0, 10).Select(_ => resumed.Step(loss2)));

        var wrongSize = new GeneticOptimizer(Regression().Model.Parameters(), new GeneticOptimizerOptions(population: 5));
        wrongSize.LoadStateDict(saved);
        wrongSize.Defaults.Population = 7;
        Assert.Throws<InvalidOperationException>(() => wrongSize.Step(loss));
    }

    [Fact]
    public void AnnealingMeasuresItsTemperatureThenCoolsAndReheats()
    {
        var (model, loss) = Regression();
        var sa = new AnnealingOptimizer(model.Parameters(), new AnnealingOptimizerOptions(lr: 0.05, coolingRate: 0.5, restartRatio: 0.01));
        Assert.Equal(double.PositiveInfinity, sa.Temperature);
        for (int i = 0; i < 10; i++) sa.Step(loss);
        double t0 = sa.Temperature;
        Assert.True(t0 > 0 && double.IsFinite(t0));
        sa.Step(loss);
        Assert.Equal(t0 / 2, sa.Temperature, 12);
        for (int i = 0; i < 6; i++) sa.Step(loss);
        Assert.Equal(t0, sa.Temperature, 12); // 0.5^7 < 0.01: reheated
        var saved = sa.StateDict();
        Assert.Equal(17.0, saved.State[0]["step"]);

        var log = new AnnealingOptimizer(Regression().Model.Parameters(), new AnnealingOptimizerOptions(initialTemperature: 2, cooling: AnnealingOptimizerCooling.Logarithmic));
        Assert.Equal(2, log.Temperature, 12);
    }

    [Fact]
    public void WeightDecayPenalizesTheCandidates()
    {
        var (model, _) = Regression();
        var ga = new GeneticOptimizer(model.Parameters(), new GeneticOptimizerOptions(lr: 0.1, weightDecay: 10, population: 8));
        // A flat loss: only the penalty ½·wd·‖θ‖² matters, so the weights shrink towards 0.
        double before = model.Parameters().Sum(p => p.ToDoubleArray().Sum(v => v * v));
        for (int i = 0; i < 60; i++) ga.Step(() => 0);
        double after = model.Parameters().Sum(p => p.ToDoubleArray().Sum(v => v * v));
        Assert.True(after < before / 10, $"‖θ‖² {before} → {after}");
    }

    [Fact]
    public void TheTrainerStepsAGradientFreeOptimizerWithTheBatchLoss()
    {
        var model = new Linear(1, 1, generator: new Generator(1));
        var ga = new GeneticOptimizer(model.Parameters(), new GeneticOptimizerOptions(lr: 0.05, population: 10));
        var trainer = new Trainer(model, new MSELoss(), ga);
        var data = new DataLoader(SyntheticData.LinearRegression(128, 2.0, 2.0, noise: 0.01, seed: 4), 32, shuffle: true, seed: 9);
        var history = trainer.Fit(data, epochs: 30);
        Assert.True(history.Epochs[^1]["loss"] < 0.01 * history.Epochs[0]["loss"], $"loss {history.Epochs[0]["loss"]} → {history.Epochs[^1]["loss"]}");
        Assert.Throws<InvalidOperationException>(() =>
            new Trainer(model, new MSELoss(), ga, new TrainerOptions { DataParallel = 2 }).Fit(data, epochs: 1));
    }

    [Theory]
    [InlineData("ga", "population: 12")]
    [InlineData("sa", "cooling_rate: 0.99")]
    public void ExperimentFilesTrainATinyClassifierWithOptimizerGaOrSa(string name, string option)
    {
        string yaml = $$"""
            name: neuro-{{name}}
            seed: 1
            epochs: 60
            data:
              dataset: synthetic
              synthetic: {kind: blobs, samples: 300, classes: 3, features: 2, noise: 0.6}
              batch_size: 40
              validation: 0.2
              normalize: true
            model:
              layers:
                - linear: {out: 8}
                - tanh
                - linear
            loss: cross_entropy
            optimizer: {name: {{name}}, lr: 0.1, {{option}}}
            """;
        var result = ExperimentRunner.Run(ExperimentConfig.Parse(yaml, $"neuro-{name}.yaml"), Path.Combine(_dir.FullName, name));
        Assert.Equal("completed", result.Status);
        Assert.True(result.Test["accuracy"] > 0.85, $"{name}: test accuracy {result.Test["accuracy"]}");
        Assert.Equal(name.ToUpperInvariant(), result.Run.ReadConfig().Optimizer.Options.OptimizerName);
    }

    [Fact]
    public void TheNeuroevolutionExamplesTrainEndToEnd()
    {
        // examples/neuroevolution: the seed text's linear regression by GA, a tiny classifier by SA (docs/search.md §2).
        string dir = Path.Combine(SourceCode.RepositoryRoot(), "examples", "neuroevolution");
        var linear = ExperimentRunner.Run(ExperimentConfig.Load(Path.Combine(dir, "neuroevolution-linear.yaml")), Path.Combine(_dir.FullName, "linear"));
        Assert.Equal("completed", linear.Status);
        Assert.True(linear.Test["mae"] < 0.15, $"linear regression by GA: test MAE {linear.Test["mae"]}");
        var blobs = ExperimentRunner.Run(ExperimentConfig.Load(Path.Combine(dir, "neuroevolution-blobs.yaml")), Path.Combine(_dir.FullName, "blobs"));
        Assert.Equal("completed", blobs.Status);
        Assert.True(blobs.Test["accuracy"] > 0.85, $"blobs by SA: test accuracy {blobs.Test["accuracy"]}");
    }
}

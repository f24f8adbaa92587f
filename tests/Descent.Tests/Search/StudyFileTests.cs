using Descent.Search.Studies;
using Descent.Experiments;
using Descent.Tuning;

namespace Descent.Tests.Search;

public class StudyFileTests
{
    private const string Yaml = """
        name: fmnist
        epochs: 3
        optimizer: {name: adam, lr: 0.001}
        model: {preset: mlp}
        search:
          lr: {float: [1e-5, 1e-1], log: true}
          hidden: {int: [32, 512], log: true}
          optimizer: {choice: [sgd, adam, rmsprop]}
          model.layers_choice: {choice: [[128], [256, 128]], path: model.hidden_list}
          wd: {float: [0.0, 0.01], step: 0.005, path: optimizer.weight_decay}
        study:
          metric: val_accuracy
          sampler: {name: tpe, seed: 3, multivariate: true}
          pruner: {name: median, n_warmup_steps: 1}
          trials: 20
          timeout: 60
        """;

    [Fact]
    public void SearchSpaceAliasesAndDistributions()
    {
        var f = StudyFile.Parse(Yaml, "s.yaml");
        Assert.Equal(["lr", "hidden", "optimizer", "model.layers_choice", "wd"], f.Parameters.Select(p => p.Name));
        Assert.Equal(["optimizer.lr", "model.hidden", "optimizer.name", "model.hidden_list", "optimizer.weight_decay"], f.Parameters.Select(p => p.Path));
        Assert.Equal(new FloatDistribution(1e-5, 1e-1, log: true), f.Parameters[0].Distribution);
        Assert.Equal(new IntDistribution(32, 512, log: true), f.Parameters[1].Distribution);
        Assert.Equal(["sgd", "adam", "rmsprop"], ((CategoricalDistribution)f.Parameters[2].Distribution).Choices);
        Assert.Equal(["[128]", "[256, 128]"], ((CategoricalDistribution)f.Parameters[3].Distribution).Choices);
        Assert.Equal([0.0, 0.005, 0.01], f.Parameters[4].GridValues()!.Cast<double>());
        Assert.Null(f.Parameters[0].GridValues());
    }

    [Fact]
    public void StudySectionDefaultsAndDirections()
    {
        var s = StudyFile.Parse(Yaml, "s.yaml").Study;
        Assert.Equal("fmnist", s.Name);
        Assert.Equal(["val_accuracy"], s.Metrics);
        Assert.Equal([StudyDirection.Maximize], s.Directions);
        Assert.Equal(20, s.Trials);
        Assert.Equal(TimeSpan.FromSeconds(60), s.Timeout);
        Assert.Equal(ObjectiveEpoch.Best, s.Objective);
        Assert.Equal(StudyDirection.Minimize, StudySpec.DefaultDirection("val_loss"));
        Assert.Equal(StudyDirection.Minimize, StudySpec.DefaultDirection("val_rmse"));
        Assert.Equal(StudyDirection.Maximize, StudySpec.DefaultDirection("val_r2"));
    }

    [Fact]
    public void TrialValuesBecomeOverridesOfTheExperimentOnly()
    {
        var f = StudyFile.Parse(Yaml, "s.yaml");
        var overrides = f.OverridesFor(new Dictionary<string, object?> { ["lr"] = 0.0123, ["optimizer"] = "sgd", ["model.layers_choice"] = "[256, 128]" });
        Assert.Equal(["optimizer.lr=0.0123", "optimizer.name=sgd", "model.hidden_list=[256, 128]"], overrides);
        var exp = f.Experiment(overrides);
        Assert.Equal(["name", "epochs", "optimizer", "model"], exp.Keys);
        Assert.Equal(0.0123, exp.Required("optimizer").Required("lr").AsDouble());
        Assert.Equal("sgd", exp.Required("optimizer").Required("name").Text);
        Assert.Equal([256, 128], exp.Required("model").Required("hidden_list").AsInts());
        Assert.Equal(2, exp.Required("epochs").Line); // lines still point into the file
    }

    [Fact]
    public void SamplersAndPrunersAreBuiltFromTheirNodes()
    {
        var f = StudyFile.Parse(Yaml, "s.yaml");
        Assert.IsType<TpeSampler>(SamplerSpec.Create(f.Study.Sampler, null, f.Parameters));
        Assert.IsType<MedianPruner>(PrunerSpec.Create(f.Study.Pruner, 10));
        Assert.IsType<TpeSampler>(SamplerSpec.Create(null, 1, f.Parameters));
        Assert.IsType<NopPruner>(PrunerSpec.Create(null, 10));
        foreach (var name in SamplerSpec.Names.Where(n => n != "grid"))
            Assert.NotNull(SamplerSpec.Create(Node($"sampler: {name}", "sampler"), 1, f.Parameters));
        foreach (var name in new[] { "none", "median", "successive_halving", "hyperband", "pareto" })
            Assert.NotNull(PrunerSpec.Create(Node($"pruner: {name}", "pruner"), 10));
        Assert.IsType<HyperbandPruner>(PrunerSpec.Create(Node("pruner: {name: hyperband, min_resource: 1, reduction_factor: 3}", "pruner"), 9));
        Assert.IsType<PatientPruner>(PrunerSpec.Create(Node("pruner: {name: patient, patience: 2, wrapped: median}", "pruner"), 9));
        Assert.IsType<ThresholdPruner>(PrunerSpec.Create(Node("pruner: {name: threshold, lower: 0.2}", "pruner"), 9));
    }

    [Fact]
    public void TheCommandLineSeedReplacesTheFilesSeed()
    {
        // Issue #18: `tune --seed` had no effect when the file set one; like every other option it now wins.
        var f = StudyFile.Parse(Yaml, "s.yaml");
        var node = Node("sampler: {name: tpe, seed: 1}", "sampler");
        Assert.Equal(5, Assert.IsType<TpeSampler>(SamplerSpec.Create(node, 5, f.Parameters)).Options.Seed);
        Assert.Equal(1, Assert.IsType<TpeSampler>(SamplerSpec.Create(node, null, f.Parameters)).Options.Seed);
    }

    [Fact]
    public void GridSamplerNeedsAFiniteSpace()
    {
        var finite = StudyFile.Parse("""
            search:
              opt: {choice: [sgd, adam], path: optimizer.name}
              units: {int: [1, 3]}
            """, "g.yaml");
        var grid = Assert.IsType<GridSampler>(SamplerSpec.Create(Node("sampler: grid", "sampler"), 0, finite.Parameters));
        var study = Study.Create(new StudyOptions { Sampler = grid });
        study.Optimize(t => t.SuggestInt("units", 1, 3) + (t.SuggestCategorical("opt", "sgd", "adam") == "sgd" ? 0 : 10), nTrials: 6);
        Assert.Equal(6, study.Trials.Select(t => (t.Params["units"], t.Params["opt"])).Distinct().Count());
        var e = Assert.Throws<ConfigException>(() => SamplerSpec.Create(Node("sampler: grid", "sampler"),
            0, StudyFile.Parse(Yaml, "s.yaml").Parameters));
        Assert.Contains("'lr' is a continuous float", e.Message);
    }

    [Theory]
    [InlineData("search: {}", "search space is empty")]
    [InlineData("search: {lr: {float: [0.1]}}", "expected [low, high]")]
    [InlineData("search: {lr: {float: [0.1, 0.01]}}", "must not exceed")]
    [InlineData("search: {lr: {float: [0, 1], log: true}}", "s.yaml:1")]
    [InlineData("search: {lr: {float: [0, 1], int: [0, 1]}}", "exactly one of")]
    [InlineData("search: {lr: {float: [0, 1], lg: true}}", "unknown key 'lg'")]
    [InlineData("search: {n: {int: [0.5, 2]}}", "must be integers")]
    [InlineData("search: {a: {choice: [x, x]}}", "duplicate choice")]
    [InlineData("search: {a: {choice: [x]}, b: {choice: [y], path: a}}", "both set 'a'")]
    [InlineData("search: {a: {choice: [x]}}\nstudy: {metric: [a, b], direction: maximize}", "2 metric(s) but 1 direction(s)")]
    [InlineData("search: {a: {choice: [x]}}\nstudy: {jobs: 0}", "must be at least 1")]
    [InlineData("search: {a: {choice: [x]}}\nstudy: {sampler: bayes}", "bayes")]
    [InlineData("search: {a: {choice: [x]}}\nstudy: {trails: 3}", "unknown key 'trails'")]
    public void BadStudyFilesNameTheFileLineAndKey(string yaml, string expected)
    {
        var e = Assert.Throws<ConfigException>(() =>
        {
            var f = StudyFile.Parse(yaml, "s.yaml");
            SamplerSpec.Create(f.Study.Sampler, null, f.Parameters);
        });
        Assert.StartsWith("s.yaml:", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void TpeSettingsComeFromTheSamplerNode()
    {
        var f = StudyFile.Parse(Yaml, "s.yaml");
        var tpe = Assert.IsType<TpeSampler>(SamplerSpec.Create(Node(
            "sampler: {name: tpe, multivariate: false, magic_clip_exponent: 1, min_bandwidth_factor: 0.01, improvement_weights: false, bandwidth: optuna}",
            "sampler"), 1, f.Parameters)).Options;
        var optuna = TpeOptions.Optuna;
        Assert.Equal((optuna.Multivariate, optuna.MagicClipExponent, optuna.MinBandwidthFactor, optuna.ImprovementWeights, optuna.Bandwidth),
            (tpe.Multivariate, tpe.MagicClipExponent, tpe.MinBandwidthFactor, tpe.ImprovementWeights, tpe.Bandwidth));
        Assert.Equal(1L, tpe.Seed);
        var plain = Assert.IsType<TpeSampler>(SamplerSpec.Create(Node("sampler: tpe", "sampler"), 1, f.Parameters)).Options;
        Assert.Equal(new TpeOptions { Seed = 1 }.MagicClipExponent, plain.MagicClipExponent);
        Assert.Equal(TpeBandwidth.Scott, Assert.IsType<TpeSampler>(SamplerSpec.Create(Node("sampler: {name: tpe, bandwidth: scott}", "sampler"), 1, f.Parameters)).Options.Bandwidth);
        foreach (var (bad, expected) in new[]
        {
            ("min_bandwidth_factor: 2", "must be in [0, 1], got 2"),
            ("magic_clip_exponent: -1", "must be at least 0, got -1"),
            ("bandwidth: silverman", "silverman"),
        })
        {
            var e = Assert.Throws<ConfigException>(() => SamplerSpec.Create(Node($"sampler: {{name: tpe, {bad}}}", "sampler"), 1, f.Parameters));
            Assert.StartsWith("n.yaml:1:", e.Message);
            Assert.Contains(expected, e.Message);
        }
    }

    private static ConfigNode Node(string yaml, string key) => ConfigDocument.Parse(yaml, "n.yaml").Required(key);
}

using Descent.Experiments;
using Descent.Search.Architecture;
using Descent.Search.Studies;
using Descent.Tests.Architecture;
using Descent.Tuning;

namespace Descent.Tests.Search;

/// <summary>Architecture search trials are real training runs (synthetic blobs, a Fashion-MNIST slice for convolutions).</summary>
public sealed class ArchitectureSearchRunnerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("descent-search-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    internal static string Blobs(string study) => $$"""
        name: arch
        seed: 0
        epochs: 2
        data:
          dataset: synthetic
          synthetic: {kind: blobs, samples: 300, classes: 3, features: 4}
          batch_size: 32
          validation: 0.2
        loss: cross_entropy
        optimizer: {name: adam, lr: 0.01}
        metrics: [accuracy]
        search_space:
          stages:
            - name: mlp
              blocks: {int: [1, 2]}
              width: {choice: [8, 16, 32]}
              activation: {choice: [relu, tanh]}
        {{study}}
        """;

    [Fact]
    public void CandidatesLiveUnderStudiesAndNeverInATrainingRunsFolder()
    {
        var file = StudyFile.Parse(Blobs("study: {name: arch, metric: val_accuracy, trials: 1}"), "a.yaml");
        var runner = new ArchitectureSearchRunner(file, _dir);
        Assert.Equal(Path.Combine(_dir, "studies", "arch"), runner.StudyDirectory);
        Assert.Equal(Path.Combine(_dir, "studies", "arch", "trial-0003"), runner.TrialDirectory(3));
        Assert.Equal(Path.Combine(_dir, "studies", "arch.db"), runner.DefaultStoragePath);
        // A training run that happens to sit where the search would write is left alone.
        Directory.CreateDirectory(runner.StudyDirectory);
        File.WriteAllText(Path.Combine(runner.StudyDirectory, "config.yaml"), "name: arch\n");
        var e = Assert.Throws<ArgumentException>(() => new ArchitectureSearchRunner(file, _dir));
        Assert.Contains("is a training run's directory", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EachCandidateIsARunWithItsArchitectureAndCost()
    {
        var runner = new ArchitectureSearchRunner(StudyFile.Parse(Blobs("study: {metric: val_accuracy, trials: 4, strategy: {name: random, seed: 1}}"), "a.yaml"), _dir);
        var study = runner.CreateStudy(new InMemoryStorage());
        Assert.IsType<RandomArchitectureSampler>(study.Sampler);
        runner.Optimize(study);
        Assert.Equal(4, study.GetTrials(TrialState.Complete).Count);
        foreach (var t in study.Trials)
        {
            var layers = (string)t.UserAttrs[ArchitectureSearchRunner.LayersAttr]!;
            var config = ExperimentConfig.Load(Path.Combine(runner.TrialDirectory(t.Number), "config.yaml"));
            Assert.Equal(runner.Space.Sample(new Replay(t)).LayersYaml(), layers);
            Assert.Equal(Convert.ToInt32(t.Params["mlp.blocks"]) * 2 + 2, config.Model.Layers!.Count); // flatten, (linear, act)×blocks, head
            long parameters = Convert.ToInt64(t.UserAttrs["parameters"]);
            int width = Convert.ToInt32(t.Params["mlp.0.width"]);
            Assert.True(parameters >= 4 * width + width, $"{parameters} parameters");
            Assert.True(Convert.ToInt64(t.UserAttrs["macs"]) > 0 && Convert.ToDouble(t.UserAttrs["latency_ms"]) > 0);
            Assert.NotEmpty(Assert.IsAssignableFrom<IReadOnlyList<object?>>(t.UserAttrs[ArchitectureSearchRunner.DiagramAttr]));
        }
        // The best candidate as an experiment file that trains again.
        var best = runner.WriteExperiment(study.BestTrial, Path.Combine(_dir, "best.yaml"));
        var rerun = ExperimentConfig.Load(best);
        Assert.Equal("arch-best", rerun.Name);
        Assert.Equal(ExperimentConfig.Load(Path.Combine(runner.TrialDirectory(study.BestTrial.Number), "config.yaml")).Model.Layers!.Select(l => l.Type),
            rerun.Model.Layers!.Select(l => l.Type));
    }

    [Fact]
    public void SeveralObjectivesMeasureCostAndDefaultToNsga2()
    {
        var runner = new ArchitectureSearchRunner(StudyFile.Parse(Blobs("study: {metric: [val_accuracy, parameters], trials: 3}"), "m.yaml"), _dir);
        var study = runner.CreateStudy(new InMemoryStorage(), seed: 0);
        Assert.IsType<ArchitectureNsgaSampler>(study.Sampler);
        Assert.Equal([StudyDirection.Maximize, StudyDirection.Minimize], study.Directions);
        runner.Optimize(study);
        foreach (var t in study.GetTrials(TrialState.Complete))
            Assert.Equal(Convert.ToDouble(t.UserAttrs["parameters"]), t.Values![1]);
    }

    [Fact]
    public void ConvolutionCandidatesTrainOnImages()
    {
        string yaml = """
            name: conv
            seed: 0
            epochs: 1
            data: {dataset: fashion-mnist, source: embedded, batch_size: 64, validation: 0.2, train_samples: 256, test_samples: 64}
            loss: cross_entropy
            optimizer: {name: adam, lr: 0.003}
            search_space:
              stages:
                - name: f
                  blocks: {int: [1, 2]}
                  type: conv2d
                  channels: {choice: [4, 8]}
                  pool: max
            study: {metric: val_accuracy, trials: 2, strategy: evolution}
            """;
        var runner = new ArchitectureSearchRunner(StudyFile.Parse(yaml, "c.yaml"), _dir);
        var study = runner.CreateStudy(new InMemoryStorage(), seed: 3);
        runner.Optimize(study);
        foreach (var t in study.GetTrials(TrialState.Complete))
        {
            int blocks = Convert.ToInt32(t.Params["f.blocks"]), c0 = Convert.ToInt32(t.Params["f.0.channels"]);
            // The first block's convolution alone: c0 × 1 × 3 × 3 weights at 28 × 28 positions.
            Assert.True(Convert.ToInt64(t.UserAttrs["macs"]) >= c0 * 9L * 28 * 28, $"{blocks} blocks: {t.UserAttrs["macs"]} MACs");
        }
    }

    [Fact]
    public void ResidualCandidatesTrainAndTheExampleSearchIsValid()
    {
        string yaml = """
            name: res
            seed: 0
            epochs: 1
            data: {dataset: fashion-mnist, source: embedded, batch_size: 64, validation: 0.2, train_samples: 128, test_samples: 32}
            loss: cross_entropy
            optimizer: {name: adam, lr: 0.003}
            search_space:
              stages:
                - name: f
                  blocks: 1
                  type: residual
                  channels: 4
                  norm: batchnorm
                  pool: max
            study: {metric: val_accuracy, trials: 1, strategy: random}
            """;
        var runner = new ArchitectureSearchRunner(StudyFile.Parse(yaml, "r.yaml"), _dir);
        var study = runner.CreateStudy(new InMemoryStorage(), seed: 1);
        runner.Optimize(study);
        var trial = Assert.Single(study.GetTrials(TrialState.Complete));
        Assert.StartsWith("[{residual: {shortcut: auto", (string)trial.UserAttrs[ArchitectureSearchRunner.LayersAttr]!);
        // Two 3×3 convolutions of 4 channels and a 1×1 projection (1 → 4 channels) with their batch norms, then the head.
        Assert.True(Convert.ToInt64(trial.UserAttrs["parameters"]) > 4 * 9 + 4 * 4 * 9 + 4, $"{trial.UserAttrs["parameters"]} parameters");

        // The example of docs/search.md: its space (conv2d and residual blocks) checks out against the experiment parser.
        var example = Path.Combine(SourceCode.RepositoryRoot(), "examples", "studies", "fashion-search.yaml");
        var exampleRunner = new ArchitectureSearchRunner(StudyFile.Load(example), _dir);
        Assert.Equal("fashion-search", exampleRunner.File.Study.Name);
        Assert.Equal(50, exampleRunner.File.Study.Trials);
    }

    [Fact]
    public void BadSearchFilesAreErrorsBeforeAnyTrial()
    {
        var noSpace = StudyFile.Parse(StudyRunnerTests.Yaml("study: {trials: 1}"), "n.yaml");
        Assert.Contains("descent search needs a search_space: section", Assert.Throws<ConfigException>(() => new ArchitectureSearchRunner(noSpace, _dir)).Message);
        var e = Assert.Throws<ConfigException>(() => new ArchitectureSearchRunner(StudyFile.Parse(Blobs("study: {trials: 1, strategy: annealing}"), "b.yaml"), _dir)
            .CreateStudy(new InMemoryStorage()));
        Assert.Contains("annealing", e.Message);
        var nsga = new ArchitectureSearchRunner(StudyFile.Parse(Blobs("study: {trials: 1}"), "o.yaml"), _dir);
        Assert.Contains("nsga2 searches several objectives", Assert.Throws<ConfigException>(() => nsga.CreateStudy(new InMemoryStorage(), "nsga2")).Message);
    }

    // Replays a finished trial's decisions.
    private sealed class Replay(FrozenTrial trial) : IArchitectureDecisions
    {
        public double Suggest(string name, Distribution distribution) => trial.InternalParams[name];
    }
}

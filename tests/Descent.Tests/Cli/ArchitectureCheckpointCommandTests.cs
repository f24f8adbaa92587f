using System.Globalization;
using Descent.Cli;
using Descent.Compression.Pruning.Structured;
using Descent.Experiments;
using Descent.Experiments.Runs;
using Descent.NN;
using Descent.NN.Architecture;
using Descent.Optim;
using Descent.Tensors;
using Descent.Tensors.Autograd;
using Descent.Training;
using Descent.Training.Checkpointing;

namespace Descent.Tests.Cli;

/// <summary>
/// A structured-pruned model's checkpoint (smaller layers than its experiment's config says) is evaluated, predicted
/// from and fine-tuned from (<c>train --init</c>) without the experiment file, for every preset and a YAML layer list,
/// with the pruned model's outputs; a damaged architecture section is a one-line error.
/// </summary>
public sealed class ArchitectureCheckpointCommandTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("descent-cli-arch-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string Runs => Path.Combine(_dir.FullName, "runs");

    private static string Experiment(string model) => $"""
        name: pruned
        seed: 3
        epochs: 1
        data:
          dataset: fashion-mnist
          source: embedded
          train_samples: 64
          test_samples: 48
          batch_size: 32
          normalize: true
        model: {model}
        optimizer: {"{name: adam, lr: 0.001}"}
        """;

    public static TheoryData<string> Models() =>
    [
        .. ModelPresets.Names.Select(p => $"{{preset: {p}}}"),
        "{layers: [{conv2d: {out: 6, kernel: 3, padding: 1}}, batchnorm2d, relu, maxpool2d: 2, {residual: {layers: [{conv2d: {out: 6, kernel: 3, padding: 1}}, relu]}}, flatten, {linear: 24}, relu, dropout: 0.2, linear]}",
    ];

    [Theory]
    [MemberData(nameof(Models))]
    public void PrunedCheckpointsEvaluatePredictAndFineTuneWithoutTheirExperiment(string model)
    {
        var config = ExperimentConfig.Parse(Experiment(model), "pruned.yaml");
        var (pruned, checkpoint) = PrunedCheckpoint(config);
        var x = Tensor.Randn(new Shape(5, 1, 28, 28), DType.Float32, new Generator(4));
        float[] expected;
        using (GradMode.Disable()) expected = pruned.Call(x).ToArray<float>();

        // The library rebuilds it in one call, and as an experiment's model.
        var loaded = ModuleCheckpoint.LoadModel(checkpoint);
        loaded.Eval();
        using (GradMode.Disable()) Assert.Equal(expected, loaded.Call(x).ToArray<float>());
        var fromRun = CheckpointModel.Load(checkpoint);
        using (GradMode.Disable()) Assert.Equal(expected, fromRun.Model.Call(x).ToArray<float>());

        // descent evaluate: the pruned model's own test accuracy.
        var reference = ExperimentBuilder.Build(config);
        var direct = new Trainer(pruned, reference.Loss, new Sgd(pruned.Parameters()), reference.TrainerOptions)
            .Evaluate(reference.TestLoader);
        var (code, output, errors) = CliRunner.Run("evaluate", checkpoint);
        Assert.True(code == 0, errors);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"test accuracy: {direct.Metrics["accuracy"]:F4}"), output, StringComparison.Ordinal);

        // descent predict: the rebuilt model's predictions.
        var csv = Path.Combine(_dir.FullName, "pixels.csv");
        var random = new Random(2);
        File.WriteAllLines(csv, [string.Join(',', Enumerable.Range(0, 784).Select(i => $"p{i}")),
            .. Enumerable.Range(0, 3).Select(_ => string.Join(',', Enumerable.Range(0, 784).Select(_ => random.Next(256))))]);
        (code, output, errors) = CliRunner.Run("predict", checkpoint, csv);
        Assert.True(code == 0, errors);
        var classes = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => int.Parse(l.Split(',')[1], CultureInfo.InvariantCulture)).ToArray();
        var predictions = fromRun.Predict(csv);
        Assert.Equal(Enumerable.Range(0, predictions.Rows).Select(predictions.PredictedClass).ToArray(), classes);

        // descent train --init: starts from the pruned model (same outputs before training) and keeps its shapes.
        var initial = InitialModel.Read(checkpoint);
        var experiment = ExperimentBuilder.Build(config, initial.Architecture);
        initial.LoadInto(experiment);
        experiment.Model.Eval();
        using (GradMode.Disable()) Assert.Equal(expected, experiment.Model.Call(x).ToArray<float>());
        (code, _, errors) = CliRunner.Run("train", "--init", checkpoint, "--runs-dir", Runs, "--name", "finetuned", "--quiet");
        Assert.True(code == 0, errors);
        var run = RunDirectory.Open(Path.Combine(Runs, "finetuned"));
        var shapes = TrainingCheckpoint.Load(run.LastCheckpointPath).Model.Select(kv => (kv.Key, kv.Value.Shape)).ToList();
        Assert.Equal(pruned.StateDict().Select(kv => (kv.Key, kv.Value.Shape)).ToList(), shapes);
        Assert.Equal(0, CliRunner.Run("evaluate", run.Path).Code);
        Assert.Equal(0, CliRunner.Run("resume", run.Path, "--epochs", "2", "--quiet").Code);   // resume rebuilds the pruned model too
    }

    [Fact]
    public void ADamagedArchitectureSectionIsAOneLineError()
    {
        var config = ExperimentConfig.Parse(Experiment("{preset: mlp, hidden: [16]}"), "pruned.yaml");
        var (_, checkpoint) = PrunedCheckpoint(config);
        var file = Descent.Serialization.Checkpoint.Load(checkpoint);
        var json = file.Metadata[ModelArchitecture.MetadataKey];
        var metadata = new Dictionary<string, string>(file.Metadata) { [ModelArchitecture.MetadataKey] = json[..(json.Length * 2 / 3)] };
        Descent.Serialization.Checkpoint.Save(checkpoint, file, metadata);
        foreach (var verb in new[] { "evaluate", "train" })
        {
            var args = verb == "train" ? new[] { "train", "--init", checkpoint, "--runs-dir", Runs } : new[] { verb, checkpoint };
            var (code, _, errors) = CliRunner.Run(args);
            Assert.Equal(CliErrors.UserErrorExitCode, code);
            var line = Assert.Single(errors.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("descent: ", StringComparison.Ordinal));
            Assert.Contains(checkpoint, line, StringComparison.Ordinal);
            Assert.Contains("architecture is corrupt", line, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", errors, StringComparison.Ordinal);
        }
    }

    /// <summary>The experiment's model, half its channels removed, written as a run's training checkpoint would be.</summary>
    private (Sequential Pruned, string Path) PrunedCheckpoint(ExperimentConfig config)
    {
        var experiment = ExperimentBuilder.Build(config);
        var model = experiment.Model;
        var before = model.ParameterCount;
        new StructuredPruner(new StructuredPruningOptions { Amount = 0.5 }).Prune(model, experiment.Data.InputShape);
        Assert.True(model.ParameterCount < before);
        model.Eval();
        var optimizer = new Adam(model.Parameters());
        var checkpoint = new TrainingCheckpoint
        {
            Model = model.StateDict(),
            Optimizer = optimizer.StateDict(),
            Architecture = ModelArchitecture.Describe(model),
            Extras = experiment.CheckpointExtras(),
            Resume = new TrainingResume(1, 0, 2, new History()),
            Loader = experiment.TrainLoader.State,
            Generator = Generator.Default.GetState(),
        };
        var path = Path.Combine(_dir.FullName, $"pruned-{Guid.NewGuid():N}.ckpt");
        checkpoint.Save(path);
        return (model, path);
    }
}

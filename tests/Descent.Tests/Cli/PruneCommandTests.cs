using System.Text.Json;
using Descent.Experiments;
using Descent.Experiments.Pruning;
using Descent.Experiments.Runs;
using Descent.NN;
using Descent.Training.Checkpointing;

namespace Descent.Tests.Cli;

/// <summary><c>descent prune</c> end to end: structured and unstructured runs, their pruning.json and checkpoints, and option errors.</summary>
public sealed class PruneCommandTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("descent-cli-prune-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string Runs => Path.Combine(_dir.FullName, "runs");

    private RunDirectory Trained()
    {
        var config = ExperimentConfig.Parse(TrainCommandTests.Tiny, "tiny.yaml");
        return ExperimentRunner.Run(config, Path.Combine(Runs, "tiny")).Run;
    }

    [Fact]
    public void StructuredPruningWritesAnEvaluableSmallerRun()
    {
        var source = Trained();
        var (code, output, errors) = CliRunner.Run("prune", source.Path, "--amount", "0.5", "--steps", "2", "--finetune-epochs", "1", "--quiet");
        Assert.True(code == 0, errors);
        var run = RunDirectory.Open(Path.Combine(Runs, "tiny-pruned"));
        Assert.Contains($"run: {run.Path}", output, StringComparison.Ordinal);
        var steps = run.ReadPruning();
        Assert.Equal([0, 1, 2], steps.Select(s => s.Step));
        Assert.Equal(0, steps[0].Sparsity);
        Assert.True(steps[1].Sparsity > 0 && steps[2].Sparsity > steps[1].Sparsity);
        Assert.True(steps[2].Parameters < steps[1].Parameters && steps[1].Parameters < steps[0].Parameters);
        Assert.True(steps[2].Macs < steps[0].Macs && steps[2].CheckpointBytes < steps[0].CheckpointBytes);
        Assert.All(steps, s => Assert.InRange(s.Accuracy!.Value, 0, 1));
        Assert.NotNull(steps[2].AccuracyBeforeFinetune);
        // The hidden layer lost half its 32 units; the output layer kept its 10 classes.
        var model = TrainingCheckpoint.Load(run.BestCheckpointPath).Model;
        Assert.Equal([16, 784], model["1.weight"].Shape.ToArray());
        Assert.Equal([10, 16], model["3.weight"].Shape.ToArray());
        Assert.Equal(2, run.ReadHistory().Epochs.Count);
        Assert.Equal(steps[2].Parameters, run.ReadSummary().Parameters);
        // pruning.json uses the agreed snake_case names.
        using var json = JsonDocument.Parse(File.ReadAllText(run.PruningPath));
        var first = json.RootElement[1];
        foreach (var key in new[] { "step", "sparsity", "parameters", "macs", "checkpoint_bytes", "accuracy", "loss" })
            Assert.True(first.TryGetProperty(key, out _), key);

        (code, output, errors) = CliRunner.Run("evaluate", run.Path);
        Assert.True(code == 0, errors);
        Assert.Contains(FormattableString.Invariant($"test accuracy: {steps[2].Accuracy:F4}"), output, StringComparison.Ordinal);
    }

    [Fact]
    public void UnstructuredPruningMasksWeightsWithRewind()
    {
        var source = Trained();
        var (code, _, errors) = CliRunner.Run("prune", source.BestCheckpointPath, "--unstructured", "--global", "--amount", "0.8",
            "--steps", "2", "--finetune-epochs", "1", "--rewind", "2", "--runs-dir", Runs, "--name", "masked", "--quiet");
        Assert.True(code == 0, errors);
        var run = RunDirectory.Open(Path.Combine(Runs, "masked"));
        var steps = run.ReadPruning();
        Assert.Equal(0.8, steps[^1].Sparsity, 3);
        Assert.Equal(steps[0].Parameters, steps[^1].Parameters);   // masked, not removed
        var loaded = ModuleCheckpoint.LoadModel(run.BestCheckpointPath);
        var mask = loaded.StateDict()["1.weight_mask"].ToDoubleArray();
        var weight = loaded.StateDict()["1.weight"].ToDoubleArray();
        Assert.InRange(mask.Count(m => m == 0) / (double)mask.Length, 0.5, 1);   // global: the layers share the 80%
        Assert.False(loaded.StateDict().ContainsKey("3.weight_mask"));   // the output layer is left alone
        Assert.Equal(0, CliRunner.Run("evaluate", run.Path).Code);
        Assert.True(weight.Length == mask.Length);
    }

    [Theory]
    [InlineData("--method", "taylor", "--unstructured", "use it with --structured")]
    [InlineData("--amount", "1.5", "--structured", "--amount must be in (0, 1)")]
    [InlineData("--rewind", "3", "--structured", "--rewind resets")]
    [InlineData("--schedule", "cubic", "--structured", "--schedule 'cubic'")]
    public void BadOptionsAreOneLineErrors(string option, string value, string mode, string expected)
    {
        var (code, _, errors) = CliRunner.Run("prune", Path.Combine(_dir.FullName, "nothing"), option, value, mode);
        Assert.Equal(1, code);
        Assert.Contains(expected, errors, StringComparison.Ordinal);
        Assert.Single(errors.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void PolynomialScheduleReachesTheAmountAtTheLastStep()
    {
        var options = new PruningRunOptions { Amount = 0.6, Steps = 4 };
        var targets = Enumerable.Range(0, 5).Select(s => PruningRunner.TargetSparsity(options, s)).ToArray();
        Assert.Equal(0, targets[0]);
        Assert.Equal(0.6, targets[4], 12);
        for (int i = 1; i < targets.Length; i++) Assert.True(targets[i] > targets[i - 1]);
        // Zhu and Gupta: s_t = s_f (1 - (1 - t/n)^3).
        Assert.Equal(0.6 * (1 - Math.Pow(0.75, 3)), targets[1], 12);
        Assert.All(Enumerable.Range(1, 4), s => Assert.Equal(0.6, PruningRunner.TargetSparsity(options with { Schedule = "constant" }, s)));
    }
}

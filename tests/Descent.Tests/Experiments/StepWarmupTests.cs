using Descent.Experiments;
using Descent.Experiments.Runs;
using Descent.Training.Checkpointing;

namespace Descent.Tests.Experiments;

/// <summary>
/// The background warm-up compiles a run's step on a throw-away copy: it must really train that copy, happen once per
/// configuration and process, and never change what the run computes.
/// </summary>
public sealed class StepWarmupTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("descent-warmup-");

    public void Dispose() => _dir.Delete(recursive: true);

    // Each test uses its own hidden width, so its configuration has not been warmed by another test in this process.
    private static ExperimentConfig Config(int hidden) => ExperimentConfig.Parse($$"""
        name: warm
        seed: 5
        epochs: 2
        data: {dataset: fashion-mnist, source: embedded, train_samples: 300, test_samples: 60, batch_size: 32, validation: 0.2}
        model:
          layers:
            - flatten
            - linear: {out: {{hidden}}}
            - relu
            - dropout: 0.2
            - linear
        optimizer: {name: adam, lr: 0.003}
        schedule: {name: StepLR, per: batch, step_size: 5, gamma: 0.9}
        """, "warm.yaml");

    [Fact]
    public void TheWarmUpTrainsItsCopyOncePerConfiguration()
    {
        var config = Config(hidden: 23);
        var first = StepWarmup.Start(config);
        Assert.True(first.Started);
        first.Wait();
        Assert.True(first.Succeeded, "the warm-up's throw-away training step failed");
        var again = StepWarmup.Start(config with { Name = "other", Seed = 9, Epochs = 7 });  // same compiled code
        Assert.False(again.Started);
        Assert.True(StepWarmup.Start(Config(hidden: 24)).Started);                          // another model
    }

    [Fact]
    public void ARunWithTheWarmUpEqualsARunWithout()
    {
        var config = Config(hidden: 19);
        var warmed = ExperimentRunner.Run(config, Path.Combine(_dir.FullName, "warmed"));   // first of its kind: warmed up
        Assert.False(StepWarmup.Start(config).Started);
        var cold = ExperimentRunner.Run(config, Path.Combine(_dir.FullName, "cold"));       // already warmed: none this time
        Assert.Equal(warmed.Test["loss"], cold.Test["loss"]);
        Assert.Equal(Weights(warmed.Run), Weights(cold.Run));
        Assert.Equal(warmed.Run.ReadSteps().Select(s => s.Loss), cold.Run.ReadSteps().Select(s => s.Loss));
    }

    private static byte[][] Weights(RunDirectory run) =>
        TrainingCheckpoint.Load(run.LastCheckpointPath).Model
            .Select(kv => kv.Value.ToDoubleArray().SelectMany(BitConverter.GetBytes).ToArray()).ToArray();
}

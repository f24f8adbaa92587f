using Descent.Compression.Pruning.Unstructured;
using Descent.Experiments;
using Descent.Experiments.Runs;
using Descent.NN;
using Descent.Tests.Experiments.Runs;
using Descent.Training;
using Descent.Training.Checkpointing;

namespace Descent.Tests.Experiments;

/// <summary>
/// The experiment file's <c>pruning:</c> section: read and written back, pruning a run as it trains to the target
/// sparsity, and a run killed mid-schedule resuming to exactly the files of an uninterrupted run.
/// </summary>
// Runs alone: its kill/resume comparison includes checkpoints, which record the process-wide Generator.Default state.
[Collection("KernelConfig")]
public sealed class PruningSectionTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("descent-pruning-section-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string Dir(string name) => Path.Combine(_dir.FullName, name);

    private const string Blobs = """
        name: blobs
        seed: 3
        epochs: 3
        data:
          dataset: synthetic
          synthetic: {kind: blobs, samples: 400, classes: 3, features: 8, noise: 1.0}
          batch_size: 16
          validation: 0.2
          normalize: true
        model:
          layers:
            - linear: {out: 32}
            - relu
            - linear: {out: 16}
            - relu
            - linear
        optimizer: {name: adam, lr: 0.01}
        callbacks:
          checkpoint: {every_steps: 5}
        pruning:
          target_sparsity: 0.75
          begin_step: 4
          end_step: 44
          frequency: 8
          rewind: 2
        """;

    [Fact]
    public void TheSectionIsReadAndWrittenBack()
    {
        var config = ExperimentConfig.Parse(Blobs, "blobs.yaml");
        var p = config.Pruning!;
        Assert.Equal((0.75, 4, 44, 8, 2, "polynomial", false), (p.TargetSparsity, p.BeginStep, p.EndStep, p.Frequency, p.Rewind, p.Schedule, p.Structured));
        var again = ExperimentConfig.Parse(config.ToYaml(), "written.yaml");
        Assert.Equal(config.ToYaml(), again.ToYaml());
        Assert.Equal(0.75, again.Pruning!.TargetSparsity);
    }

    [Theory]
    [InlineData("pruning: {target_sparsity: 1.0, end_step: 10}", "pruning.target_sparsity: must be in [0, 1)")]
    [InlineData("pruning: {target_sparsity: 0.5}", "needs an end_step")]
    [InlineData("pruning: {method: bn_scale, end_step: 10}", "global l1 magnitude")]
    [InlineData("pruning: {end_step: 10, frequncy: 3}", "frequncy")]
    [InlineData("pruning: {schedule: constant, power: 2}", "the polynomial schedule only")]
    public void BadSectionsNameTheKey(string section, string expected)
    {
        var e = Assert.Throws<ConfigException>(() => ExperimentConfig.Parse("epochs: 1\n" + section + "\n", "bad.yaml"));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.StartsWith("bad.yaml:", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ARunPrunesAsItTrainsAndItsCheckpointLoadsWithTheMasks()
    {
        var config = ExperimentConfig.Parse(Blobs, "blobs.yaml");
        var result = ExperimentRunner.Run(config, Dir("run"));
        Assert.Equal("completed", result.Status);
        var model = ModuleCheckpoint.LoadModel(result.Run.LastCheckpointPath);
        var masks = model.StateDict().Where(kv => kv.Key.EndsWith("weight_mask", StringComparison.Ordinal)).ToList();
        Assert.Equal(["0.weight_mask", "2.weight_mask"], masks.Select(m => m.Key));   // the output layer is left alone
        var weights = UnstructuredPruning.Weights(model, ignore: ["4"]);
        Assert.Equal(0.75, UnstructuredPruning.Sparsity(weights), 2);
        var checkpoint = TrainingCheckpoint.Load(result.Run.LastCheckpointPath);
        var state = checkpoint.Extras[UnstructuredPruningCallback.StateKey];
        Assert.Equal(new long[] { 4, 12, 20, 28, 36, 44 }, (long[])state["event_steps"]!);
        Assert.Equal(true, state["rewound"]);
        Assert.Equal(0, Descent.Cli.Program.Run(["evaluate", result.Run.Path], TextWriter.Null, TextWriter.Null));
    }

    [Fact]
    public void AKilledRunResumesMidScheduleToTheFilesOfAnUninterruptedRun()
    {
        var config = ExperimentConfig.Parse(Blobs, "blobs.yaml");
        ExperimentRunner.Run(config, Path.Combine(Dir("full"), "run"));
        // Dies at step 23, after the events at 4, 12 and 20 and before 28; the last checkpoint is from step 20.
        Assert.Throws<OperationCanceledException>(() => ExperimentRunner.Run(config, Path.Combine(Dir("crash"), "run"), [new Die(23)]));
        var crashed = new RunDirectory(Path.Combine(Dir("crash"), "run"));
        var saved = TrainingCheckpoint.Load(crashed.LastCheckpointPath);
        Assert.Equal(20, saved.Resume.GlobalStep);
        Assert.Equal(new long[] { 4, 12 }, (long[])saved.Extras[UnstructuredPruningCallback.StateKey]["event_steps"]!);
        ExperimentRunner.Resume(crashed.Path);
        RunFiles.AssertSame(Path.Combine(Dir("full"), "run"), crashed.Path);
    }

    /// <summary>Simulates the process dying: no epoch-end or train-end work after step <c>steps</c>.</summary>
    private sealed class Die(int steps) : ICallback
    {
        public void OnBatchEnd(TrainingContext context)
        {
            if (context.GlobalStep + 1 >= steps) throw new OperationCanceledException("killed");
        }
    }
}

using Descent.Compression.Distillation;
using Descent.Experiments;
using Descent.Experiments.Runs;
using Descent.Training;
using Descent.Training.Checkpointing;

using Descent.Tests.Training;

namespace Descent.Tests.Experiments;

/// <summary>
/// The <c>distillation:</c> section end to end: reading, writing back and its errors (a reduction dividing by the class
/// count explained), teachers loaded and checked, the distilled run with hints resuming exactly, the same-seed scratch
/// run and the comparison in summary.json.
/// </summary>
public sealed class DistillationExperimentTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("descent-distill-exp-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string Dir(string name) => Path.Combine(_dir.FullName, name);

    private static string Blobs(string name, string layers, int features = 4, string extra = "") => $$"""
        name: {{name}}
        seed: 3
        epochs: 3
        data:
          dataset: synthetic
          synthetic: {kind: blobs, samples: 300, classes: 3, features: {{features}}, noise: 2.0}
          batch_size: 16
          validation: 0.2
          normalize: true
        model:
          layers: {{layers}}
        optimizer: {name: adam, lr: 0.01}
        callbacks:
          checkpoint: {every_steps: 4}
        {{extra}}
        """;

    private const string TeacherLayers = "[{linear: {out: 32}}, relu, {linear: {out: 32}}, relu, linear]";
    private const string StudentLayers = "[{linear: {out: 4}}, relu, linear]";

    private string Teacher()
    {
        var path = Dir("teacher");
        if (!File.Exists(Path.Combine(path, "summary.json")))
            ExperimentRunner.Run(ExperimentConfig.Parse(Blobs("teacher", TeacherLayers), "teacher.yaml"), path);
        return path;
    }

    private string Student(string section) => Blobs("student", StudentLayers, extra: section);

    [Fact]
    public void TheSectionReadsWritesBackAndFillsDefaults()
    {
        var yaml = Student($$"""
            distillation:
              teacher: [{{Dir("t1")}}, t2]
              temperature: 3
              hints: ["1:1", "0:2"]
              teacher_logits: on_the_fly
            """);
        File.WriteAllText(Dir("student.yaml"), yaml);
        var config = ExperimentConfig.Load(Dir("student.yaml"));
        var kd = config.Distillation!;
        Assert.Equal([Dir("t1"), Dir("t2")], kd.Teachers);   // relative to the experiment file's folder
        Assert.Equal((3.0, 0.1, 1.0, "on_the_fly", true), (kd.Temperature, kd.Alpha, kd.HintWeight, kd.TeacherLogits, kd.Scratch));
        Assert.Equal([new HintPair("1", "1"), new HintPair("0", "2")], kd.Hints);
        var back = ExperimentConfig.Parse(config.ToYaml(), "config.yaml").Distillation!;
        Assert.Equal(kd.Teachers, back.Teachers);
        Assert.Equal(kd.Hints, back.Hints);
        Assert.Equal((kd.Temperature, kd.Alpha, kd.HintWeight, kd.TeacherLogits, kd.Scratch), (back.Temperature, back.Alpha, back.HintWeight, back.TeacherLogits, back.Scratch));
        Assert.Contains("reduction: batchmean", config.ToYaml(), StringComparison.Ordinal);
        Assert.Null(ExperimentConfig.Parse(Blobs("plain", StudentLayers), "plain.yaml").Distillation);
    }

    [Theory]
    [InlineData("teacher: t\n  reduction: mean", "reduction 'mean' is not offered", "class count")]
    [InlineData("teacher: t\n  reduction: sum", "reduction 'sum' is not offered", "batchmean")]
    [InlineData("temperature: 4", "missing required key 'teacher'", "distillation")]
    [InlineData("teacher: t\n  alpha: 1.5", "distillation.alpha", "must be in [0, 1]")]
    [InlineData("teacher: t\n  temperature: 0", "distillation.temperature", "must be in (0")]
    [InlineData("teacher: t\n  hints: [\"1-2\"]", "distillation.hints", "student.path:teacher.path")]
    [InlineData("teacher: t\n  hints: [\"1:1\"]\n  teacher_logits: precomputed", "cannot be precomputed", "on_the_fly")]
    [InlineData("teacher: t\n  teacher_logits: sometimes", "distillation.teacher_logits", "on_the_fly")]
    [InlineData("teacher: t\n  temprature: 4", "temprature", "distillation")]
    public void BadSettingsAreErrorsAtTheirLine(string body, string first, string second)
    {
        var ex = Assert.Throws<ConfigException>(() => ExperimentConfig.Parse(Student("distillation:\n  " + body), "student.yaml"));
        Assert.Contains("student.yaml:", ex.Message, StringComparison.Ordinal);
        Assert.Contains(first, ex.Message, StringComparison.Ordinal);
        Assert.Contains(second, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PrecomputedLogitsWithAugmentationAreAnErrorAtTheirLine()
    {
        var yaml = Student("distillation: {teacher: t, teacher_logits: precomputed}")
            .Replace("normalize: true", "normalize: true\n  augmentation: {hflip: true}", StringComparison.Ordinal);
        var ex = Assert.Throws<ConfigException>(() => ExperimentConfig.Parse(yaml, "aug.yaml"));
        Assert.Contains("aug.yaml:", ex.Message, StringComparison.Ordinal);
        Assert.Contains("distillation.teacher_logits", ex.Message, StringComparison.Ordinal);
        Assert.Contains("data.augmentation changes them", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TeachersThatDoNotFitTheStudentAreRejected()
    {
        var teacher = Teacher();
        var wider = ExperimentConfig.Parse(Blobs("wide", StudentLayers, features: 5, extra: $"distillation: {{teacher: {teacher}}}"), "w.yaml");
        var shape = Assert.Throws<ConfigException>(() => ExperimentBuilder.Build(wider));
        Assert.Contains("[4]", shape.Message, StringComparison.Ordinal);
        Assert.Contains("[5]", shape.Message, StringComparison.Ordinal);
        var raw = ExperimentConfig.Parse(Student($"distillation: {{teacher: {teacher}}}").Replace("normalize: true", "normalize: false", StringComparison.Ordinal), "r.yaml");
        Assert.Contains("preprocessing must match", Assert.Throws<ConfigException>(() => ExperimentBuilder.Build(raw)).Message, StringComparison.Ordinal);
        var missing = ExperimentConfig.Parse(Student($"distillation: {{teacher: {Dir("nowhere")}}}"), "m.yaml");
        Assert.Contains("distillation.teacher", Assert.Throws<ConfigException>(() => ExperimentBuilder.Build(missing)).Message, StringComparison.Ordinal);
        var hint = ExperimentConfig.Parse(Student($"distillation: {{teacher: {teacher}, hints: [\"1:9\"]}}"), "h.yaml");
        Assert.Contains("teacher has no layer '9'", Assert.Throws<ConfigException>(() => ExperimentBuilder.Build(hint)).Message, StringComparison.Ordinal);
        // The distillation logs may be monitored; a hint loss without hints may not.
        var monitored = Student($"distillation: {{teacher: {teacher}}}").Replace("{every_steps: 4}", "{every_steps: 4, monitor: val_agreement}", StringComparison.Ordinal);
        Assert.NotNull(ExperimentBuilder.Build(ExperimentConfig.Parse(monitored, "a.yaml")).Distiller);
        // The hard term is the experiment's cross-entropy, label smoothing included.
        var smoothed = ExperimentConfig.Parse(monitored.Replace("optimizer:", "loss: {name: cross_entropy, label_smoothing: 0.1}\noptimizer:", StringComparison.Ordinal), "ls.yaml");
        Assert.Equal(0.1, ExperimentBuilder.Build(smoothed).Distiller!.Loss.LabelSmoothing);
        var hintMonitor = monitored.Replace("val_agreement", "hint_loss", StringComparison.Ordinal);
        Assert.Contains("hint_loss", Assert.Throws<ConfigException>(() => ExperimentBuilder.Build(ExperimentConfig.Parse(hintMonitor, "b.yaml"))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AHintedDistillationRunResumesExactlyAndEndsWithTheComparison()
    {
        var teacher = Teacher();
        var config = ExperimentConfig.Parse(Student($"distillation: {{teacher: {teacher}, hints: [\"1:1\"], temperature: 2, alpha: 0.3}}"), "s.yaml");
        var reference = ExperimentRunner.Run(config with { Distillation = config.Distillation! with { Scratch = false } }, Dir("reference"));

        Assert.Throws<OperationCanceledException>(() => ExperimentRunner.Run(config, Dir("student"), [new AffineRegression.DieAfterSteps(21)]));
        var run = RunDirectory.Open(Dir("student"));
        Assert.Equal("failed", run.ReadSummary().Status);
        Assert.False(Directory.Exists(Path.Combine(run.Path, "scratch")));
        var result = ExperimentRunner.Resume(run.Path);

        // Exactly the uninterrupted run: weights (student and regressor) and the epoch logs.
        Assert.Equal(Weights(reference.Run.LastCheckpointPath), Weights(run.LastCheckpointPath));
        Assert.Contains("student.0.weight", TrainingCheckpoint.Load(run.LastCheckpointPath).Model.Keys);
        Assert.Contains("hints.0.regressor.weight", TrainingCheckpoint.Load(run.LastCheckpointPath).Model.Keys);
        var history = run.ReadHistory();
        foreach (var key in new[] { "loss", "hard_loss", "soft_loss", "hint_loss", "val_agreement", "val_loss" })
            Assert.Equal(reference.History.Series(key)[^1], history.Series(key)[^1]);

        // The comparison: student, same-seed scratch student (its own run inside this one), teacher.
        var kd = result.Summary.Distillation!;
        Assert.Equal(["student", "scratch", "teacher"], kd.Models.Select(m => m.Role));
        Assert.Equal((2.0, 0.3, "on_the_fly"), (kd.Temperature!.Value, kd.Alpha!.Value, kd.TeacherLogits));
        Assert.Equal(result.Test, kd.Models[0].Test);
        var scratch = RunDirectory.Open(Path.Combine(run.Path, "scratch"));
        var scratchSummary = scratch.ReadSummary();
        Assert.Equal(scratchSummary.Test, kd.Models[1].Test);
        Assert.Null(scratch.ReadConfig().Distillation);
        Assert.Equal(config.Seed, scratch.ReadConfig().Seed);
        Assert.Equal(3, scratch.ReadHistory().Series("val_agreement").Length);
        Assert.Equal(kd.Models[0].Parameters, kd.Models[1].Parameters);
        Assert.True(kd.Models[2].Parameters > kd.Models[0].Parameters);
        Assert.All(kd.Models, m => Assert.True(m.LatencyMs > 0));
        Assert.Equal(teacher, kd.Models[2].Run);
        // summary.json round-trips the comparison.
        Assert.Equal(kd.Models.Select(m => (m.Role, m.Run, m.Parameters, m.LatencyBatch)), run.ReadSummary().Distillation!.Models.Select(m => (m.Role, m.Run, m.Parameters, m.LatencyBatch)));

        // The same-seed scratch student starts where the distilled one did.
        var scratchInit = ExperimentBuilder.Build(scratch.ReadConfig()).Model.StateDict();
        var studentInit = ExperimentBuilder.Build(config).Model.StateDict();
        foreach (var key in scratchInit.Keys) Assert.Equal(scratchInit[key].ToDoubleArray(), studentInit[key].ToDoubleArray());

        // The run's model is the student: evaluate loads it without the regressors (and without the teacher).
        var model = CheckpointModel.Load(run.Path);
        Assert.DoesNotContain(model.Model.StateDict().Keys, k => k.StartsWith("hints", StringComparison.Ordinal));
        Assert.InRange(model.Evaluate().Result.Metrics["accuracy"], 0, 1);
    }

    private static byte[][] Weights(string checkpoint) =>
        TrainingCheckpoint.Load(checkpoint).Model.Select(kv => kv.Value.ToDoubleArray().SelectMany(BitConverter.GetBytes).ToArray()).ToArray();
}

using System.Globalization;
using Descent.Experiments;
using Descent.Experiments.Runs;
using Descent.Search.Studies;
using Descent.Tuning;

namespace Descent.Tests.Search;

/// <summary><c>descent tune</c> searching a distillation's temperature and α: each trial distills with its values and skips the scratch run.</summary>
public sealed class DistillationStudyTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("descent-tune-kd-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void TrialsDistillWithTheirTemperatureAndAlpha()
    {
        var teacherDir = Path.Combine(_dir, "teacher");
        var teacherYaml = StudyRunnerTests.Yaml("", epochs: 2).Replace("search:\n  lr: {float: [0.001, 0.5], log: true}\n  momentum: {choice: [0.0, 0.9]}\n", "", StringComparison.Ordinal);
        ExperimentRunner.Run(ExperimentConfig.Parse(teacherYaml, "teacher.yaml"), teacherDir);

        var yaml = StudyRunnerTests.Yaml("study: {metric: val_accuracy, sampler: {name: random, seed: 4}, trials: 2}", epochs: 2)
            .Replace("search:\n  lr: {float: [0.001, 0.5], log: true}\n  momentum: {choice: [0.0, 0.9]}\n",
                $"distillation: {{teacher: {teacherDir}}}\nsearch:\n  temperature: {{float: [1, 8]}}\n  alpha: {{choice: [0.1, 0.5]}}\n", StringComparison.Ordinal);
        var runner = new StudyRunner(StudyFile.Parse(yaml, "s.yaml"), _dir);
        var study = runner.CreateStudy(new InMemoryStorage());
        runner.Optimize(study);
        Assert.Equal(2, study.GetTrials(TrialState.Complete).Count);
        foreach (var t in study.Trials)
        {
            var run = RunDirectory.Open(runner.TrialDirectory(t.Number));
            var kd = run.ReadConfig().Distillation!;
            Assert.Equal((double)t.Params["temperature"]!, kd.Temperature);
            Assert.Equal(Convert.ToDouble(t.Params["alpha"], CultureInfo.InvariantCulture), kd.Alpha);
            Assert.False(kd.Scratch);
            Assert.False(Directory.Exists(Path.Combine(run.Path, "scratch")));
            Assert.Equal(["student", "teacher"], run.ReadSummary().Distillation!.Models.Select(m => m.Role));
            Assert.Contains("soft_loss", run.ReadHistory().MetricNames);
        }
    }
}

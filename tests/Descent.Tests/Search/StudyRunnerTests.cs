using System.Globalization;
using Descent.Search.Studies;
using Descent.Tuning;

namespace Descent.Tests.Search;

/// <summary>Trials of a study file are real training runs on synthetic blobs (a few hundred samples, 1–3 epochs).</summary>
public sealed class StudyRunnerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("descent-tune-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    internal static string Yaml(string study, int epochs = 3) => $$"""
        name: blobs
        seed: 0
        epochs: {{epochs}}
        data:
          dataset: synthetic
          synthetic: {kind: blobs, samples: 300, classes: 3, features: 4}
          batch_size: 32
          validation: 0.2
        model:
          layers:
            - linear: {out: 8}
            - relu
            - linear: {out: 3}
        loss: cross_entropy
        optimizer: {name: sgd, lr: 0.01}
        metrics: [accuracy]
        search:
          lr: {float: [0.001, 0.5], log: true}
          momentum: {choice: [0.0, 0.9]}
        {{study}}
        """;

    [Fact]
    public void EachTrialIsARunWhoseBestEpochIsTheObjective()
    {
        var runner = new StudyRunner(StudyFile.Parse(Yaml("study: {metric: val_loss, sampler: {name: random, seed: 2}, trials: 3}"), "s.yaml"), _dir);
        var study = runner.CreateStudy(new InMemoryStorage());
        runner.Optimize(study);
        Assert.Equal(3, study.GetTrials(TrialState.Complete).Count);
        foreach (var t in study.Trials)
        {
            var csv = File.ReadAllLines(Path.Combine(runner.TrialDirectory(t.Number), "metrics.csv"));
            var header = csv[0].Split(',');
            int col = Array.IndexOf(header, "val_loss");
            var losses = csv.Skip(1).Select(l => double.Parse(l.Split(',')[col], CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(3, losses.Count);
            Assert.Equal(losses.Min(), t.Values![0], 12);
            Assert.Equal(3, t.IntermediateValues.Count); // one report per epoch, steps 1..3
            Assert.Equal(losses, t.IntermediateValues.OrderBy(kv => kv.Key).Select(kv => kv.Value).ToList(), (a, b) => Math.Abs(a - b) < 1e-12);
            var lr = (double)t.Params["lr"]!;
            Assert.Contains($"lr: {lr.ToString("R", CultureInfo.InvariantCulture)}", File.ReadAllText(Path.Combine(runner.TrialDirectory(t.Number), "config.yaml")));
        }
        Assert.Equal(["val_loss"], Assert.IsAssignableFrom<IReadOnlyList<object?>>(study.SystemAttrs[StudyRunner.MetricNamesAttr]));
    }

    [Fact]
    public void PrunedTrialsStopTraining()
    {
        // A threshold no accuracy can reach prunes every trial after its first epoch.
        var runner = new StudyRunner(StudyFile.Parse(Yaml("study: {metric: val_accuracy, pruner: {name: threshold, lower: 2.0}, trials: 2}", epochs: 4), "s.yaml"), _dir);
        var study = runner.CreateStudy(new InMemoryStorage(), seed: 1);
        runner.Optimize(study);
        Assert.All(study.Trials, t => Assert.Equal(TrialState.Pruned, t.State));
        foreach (var t in study.Trials)
            Assert.Equal(2, File.ReadAllLines(Path.Combine(runner.TrialDirectory(t.Number), "metrics.csv")).Length); // header + 1 epoch
    }

    [Fact]
    public void AnUnloggedMetricFailsTheTrialAndStopsTheStudy()
    {
        var runner = new StudyRunner(StudyFile.Parse(Yaml("study: {metric: val_f1, trials: 5}"), "s.yaml"), _dir);
        var study = runner.CreateStudy(new InMemoryStorage(), seed: 1);
        runner.Optimize(study);
        var t = Assert.Single(study.Trials);
        Assert.Equal(TrialState.Failed, t.State);
        Assert.Contains("val_f1", (string)t.SystemAttrs[Study.FailReasonKey]!);
        Assert.Contains("val_accuracy", (string)t.SystemAttrs[Study.FailReasonKey]!);
    }

    [Fact]
    public void SearchBoundsAreCheckedAgainstTheExperimentBeforeAnyTrial()
    {
        var yaml = Yaml("study: {trials: 1}").Replace("momentum: {choice: [0.0, 0.9]}", "momentum: {choice: [0.0, 1.5]}", StringComparison.Ordinal);
        var e = Assert.ThrowsAny<Exception>(() => new StudyRunner(StudyFile.Parse(yaml, "s.yaml"), _dir));
        Assert.Contains("momentum", e.Message);
    }
}

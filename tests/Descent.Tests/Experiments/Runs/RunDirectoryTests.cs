using Descent.Training;
using Descent.Experiments;
using Descent.Experiments.Runs;

namespace Descent.Tests.Experiments.Runs;

/// <summary>Run directory files: round trips, unique names, and read errors that name the file and line.</summary>
public sealed class RunDirectoryTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("descent-rundir-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public void UniqueNamesGetNumberedSuffixes()
    {
        var a = RunDirectory.CreateUnique(_dir.FullName, "exp");
        var b = RunDirectory.CreateUnique(_dir.FullName, "exp");
        var c = RunDirectory.CreateUnique(_dir.FullName, "exp");
        Assert.Equal(["exp", "exp-2", "exp-3"], new[] { a.Name, b.Name, c.Name });
        Assert.True(Directory.Exists(c.CheckpointsDirectory));
        Assert.Equal(Path.Combine(_dir.FullName, "exp-4"), RunDirectory.UniquePath(_dir.FullName, "exp"));
        Assert.False(Directory.Exists(Path.Combine(_dir.FullName, "exp-4")));
    }

    [Fact]
    public void FilesRoundTrip()
    {
        var run = RunDirectory.Create(Path.Combine(_dir.FullName, "r"));
        var config = ExperimentConfig.Parse("name: r\nepochs: 3\nmodel: {preset: mlp, hidden: [32]}\n", "exp.yaml");
        run.WriteConfig(config);
        Assert.Equal(config.ToYaml(), run.ReadConfig().ToYaml());

        var history = new History();
        history.Add(new Dictionary<string, double> { ["loss"] = 0.5, ["accuracy"] = 0.8, ["lr"] = 1e-3 });
        history.Add(new Dictionary<string, double> { ["loss"] = 0.25, ["accuracy"] = 0.9, ["lr"] = 1e-4 });
        run.WriteHistory(history);
        Assert.Equal("epoch,loss,accuracy,lr", File.ReadLines(run.MetricsPath).First());
        var back = run.ReadHistory();
        Assert.Equal(history.Series("loss"), back.Series("loss"));
        Assert.Equal(history.Series("lr"), back.Series("lr"));

        StepRecord[] steps = [new(1, 1, 2.5, 0.1, 3.25), new(2, 1, 1.0 / 3, 0.05, double.NaN)];
        run.WriteSteps(steps);
        Assert.Equal("step,epoch,loss,lr,grad_norm", File.ReadLines(run.StepsPath).First());
        var readSteps = run.ReadSteps();
        Assert.Equal(steps[0], readSteps[0]);
        Assert.Equal(steps[1].Loss, readSteps[1].Loss);
        Assert.True(double.IsNaN(readSteps[1].GradNorm));

        var summary = new RunSummary
        {
            Name = "r", Status = "completed", Epochs = 2, BestEpoch = 2, Monitor = "loss", Seed = 7, Parameters = 42,
            ModelSummary = [new LayerSummary("0 (Linear)", [4], 42)],
            Test = new Dictionary<string, double> { ["loss"] = 0.3, ["accuracy"] = double.NaN },
            ConfusionMatrix = [[3, 1], [0, 4]], ClassNames = ["a", "b"], Timing = new RunTiming(1.5, 1000),
        };
        run.WriteSummary(summary);
        var json = File.ReadAllText(run.SummaryPath);
        Assert.Contains("\"best_epoch\": 2", json);
        Assert.Contains("\"samples_per_sec\": 1000", json);
        var s = run.ReadSummary();
        Assert.Equal(("r", "completed", 2, 42L), (s.Name, s.Status, s.BestEpoch!.Value, s.Parameters));
        Assert.Equal([4], s.ModelSummary[0].OutputShape);
        Assert.True(double.IsNaN(s.Test["accuracy"]));
        Assert.Equal(4, s.ConfusionMatrix![1][1]);
        Assert.Equal(1.5, s.Timing.Seconds);
    }

    [Fact]
    public void ReadErrorsNameTheFileAndLine()
    {
        var run = RunDirectory.Create(Path.Combine(_dir.FullName, "bad"));
        File.WriteAllText(run.MetricsPath, "epoch,loss\n1,0.5\n2,oops\n");
        var e = Assert.Throws<InvalidDataException>(() => run.ReadHistory());
        Assert.Equal("metrics.csv line 3: column \"loss\": \"oops\" is not a number", e.Message);
        File.WriteAllText(run.MetricsPath, "epoch,loss\n1,0.5\n3,0.4\n");
        e = Assert.Throws<InvalidDataException>(() => run.ReadHistory());
        Assert.Equal("metrics.csv line 3: epoch 3 where 2 was expected", e.Message);
        File.WriteAllText(run.StepsPath, "step,epoch,loss,lr,grad_norm\n1,1,0.5,0.1\n");
        e = Assert.Throws<InvalidDataException>(() => run.ReadSteps());
        Assert.Equal("steps.csv line 2: 4 fields, the header has 5", e.Message);
        File.WriteAllText(run.SummaryPath, "{\n  \"name\": \"x\",\n  \"epochs\": \"three\"\n}");
        e = Assert.Throws<InvalidDataException>(() => run.ReadSummary());
        Assert.Equal("summary.json line 3: \"epochs\" must be an integer, got \"three\"", e.Message);
        File.WriteAllText(run.ConfigPath, "epochs: 2\nepochz: 3\n");
        var c = Assert.Throws<ConfigException>(() => run.ReadConfig());
        Assert.StartsWith($"{run.ConfigPath}:2:9: epochz: unknown key", c.Message);
        Assert.Throws<DirectoryNotFoundException>(() => RunDirectory.Open(Path.Combine(_dir.FullName, "none")));
    }

    [Fact]
    public void ReadContentsTakesWhatAHandMadeRunHas()
    {
        var run = new RunDirectory(Directory.CreateDirectory(Path.Combine(_dir.FullName, "hand")).FullName);
        var e = Assert.Throws<InvalidDataException>(() => run.ReadContents());
        Assert.Equal($"{run.Path} is not a run directory: it has none of config.yaml, metrics.csv, steps.csv, summary.json", e.Message);

        File.WriteAllText(run.SummaryPath, """
            {"status": "completed", "seed": 0, "test": {"loss": "NaN"},
             "model_summary": [{"layer": "x", "output_shape": "[2, 3]"}], "timing": {"seconds": 2}}
            """);
        File.WriteAllText(run.StepsPath, "step,loss\n1,0.5\n2,inf\n");
        var contents = run.ReadContents();
        Assert.Equal(("hand", null, null), (contents.Name, contents.Config, contents.Metrics));
        var s = contents.Summary!;
        Assert.Equal(("completed", null, null, 0L), (s.Status, s.Name, s.Epochs, s.Seed));
        Assert.True(double.IsNaN(s.Test["loss"]));
        Assert.Equal(("x", 0L), (s.ModelSummary[0].Layer, s.ModelSummary[0].Parameters));
        Assert.Equal([2, 3], s.ModelSummary[0].OutputShape);
        Assert.Equal((2.0, (double?)null), (s.Timing.Seconds, s.Timing.SamplesPerSec));
        Assert.Null(s.ConfusionMatrix);
        var steps = contents.Steps!;
        Assert.Equal((2L, 0, double.PositiveInfinity), (steps[1].Step, steps[1].Epoch, steps[1].Loss));
        Assert.True(double.IsNaN(steps[0].Lr) && double.IsNaN(steps[0].GradNorm));
    }
}

using Descent.Cli;
using Descent.Tests.Search;

namespace Descent.Tests.Cli;

/// <summary><c>descent tune</c> end to end: a SQLite study in the runs folder, resumable, readable by <c>descent study</c>.</summary>
public sealed class TuneCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("descent-tunecli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = Program.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public void TunesIntoASqliteStudyThatASecondRunContinues()
    {
        var file = Path.Combine(_dir, "study.yaml");
        File.WriteAllText(file, StudyRunnerTests.Yaml("study: {metric: val_accuracy, sampler: {name: tpe, seed: 0}, pruner: median, trials: 2}", epochs: 2));
        var runs = Path.Combine(_dir, "runs");

        var (code, output, error) = Run("tune", file, "--runs-dir", runs);
        Assert.True(code == 0, error + output);
        Assert.Contains("study blobs: 2 trial(s) this run", output);
        Assert.Matches(@"best trial \d: val_accuracy = [0-9.]+", output);
        Assert.Contains("[2/2] trial 1", error);
        Assert.True(File.Exists(Path.Combine(runs, "studies", "blobs", "report.html")));
        Assert.True(File.Exists(Path.Combine(runs, "studies", "blobs", "trial-0001", "metrics.csv")));

        // The default storage is runs/studies/<study>.db, so a second run adds trials to the same study.
        (code, output, error) = Run("tune", file, "--runs-dir", runs, "--trials", "1", "--set", "epochs=1");
        Assert.True(code == 0, error + output);
        Assert.Contains("1 trial(s) this run", output);
        Assert.Contains("3 in total", output);

        var url = "sqlite:///" + Path.Combine(runs, "studies", "blobs.db");
        (code, output, error) = Run("study", "best", "--storage", url, "--study", "blobs");
        Assert.True(code == 0, error + output);
        Assert.Contains("lr", output);
    }

    [Fact]
    public void AnInMemoryStudyStillGetsItsReport()
    {
        var file = Path.Combine(_dir, "study.yaml");
        File.WriteAllText(file, StudyRunnerTests.Yaml("study: {sampler: random, trials: 1}", epochs: 1));
        var runs = Path.Combine(_dir, "runs");
        var (code, output, error) = Run("tune", file, "--runs-dir", runs, "--storage", "memory://");
        Assert.True(code == 0, error + output);
        Assert.Contains("<svg", File.ReadAllText(Path.Combine(runs, "studies", "blobs", "report.html")));
    }

    [Fact]
    public void AStudyNamedLikeATrainingRunLeavesTheRunAlone()
    {
        // Issue #18: the README's study has the main job's name; its report replaced runs/fashion-mlp/report.html and its
        // trial folders landed inside the training run. Studies now live under runs/studies/.
        var file = Path.Combine(_dir, "study.yaml");
        File.WriteAllText(file, StudyRunnerTests.Yaml("study: {sampler: random, trials: 1}", epochs: 1));
        var runs = Path.Combine(_dir, "runs");
        var run = Path.Combine(runs, "blobs");
        Directory.CreateDirectory(run);
        foreach (var name in new[] { "config.yaml", "report.html", "metrics.csv" }) File.WriteAllText(Path.Combine(run, name), "the run's " + name);
        var (code, output, error) = Run("tune", file, "--runs-dir", runs, "--storage", "memory://");
        Assert.True(code == 0, error + output);
        Assert.Equal(["config.yaml", "metrics.csv", "report.html"], Directory.GetFileSystemEntries(run).Select(Path.GetFileName).Order());
        Assert.Equal("the run's report.html", File.ReadAllText(Path.Combine(run, "report.html")));
        Assert.True(File.Exists(Path.Combine(runs, "studies", "blobs", "trial-0000", "metrics.csv")));
    }

    [Fact]
    public void WritesIntoADirectoryOfSomethingElseAreRefused()
    {
        var file = Path.Combine(_dir, "study.yaml");
        File.WriteAllText(file, StudyRunnerTests.Yaml("study: {sampler: random, trials: 1}", epochs: 1));
        var runs = Path.Combine(_dir, "runs");
        // Another study of the same name (memory:// forgets its trials) already wrote trial 0: not overwritten.
        var (code, output, error) = Run("tune", file, "--runs-dir", runs, "--storage", "memory://");
        Assert.True(code == 0, error + output);
        string metrics = Path.Combine(runs, "studies", "blobs", "trial-0000", "metrics.csv");
        var before = File.ReadAllBytes(metrics);
        (code, output, error) = Run("tune", file, "--runs-dir", runs, "--storage", "memory://");
        Assert.Equal(1, code);
        Assert.Contains("trial-0000 already holds a run that is not trial 0", output);
        Assert.Equal(before, File.ReadAllBytes(metrics));

        // A training run where the study's folder would be: a one-line error before any trial.
        var other = Path.Combine(_dir, "runs2");
        Directory.CreateDirectory(Path.Combine(other, "studies", "blobs"));
        File.WriteAllText(Path.Combine(other, "studies", "blobs", "config.yaml"), "name: blobs");
        (code, output, error) = Run("tune", file, "--runs-dir", other, "--storage", "memory://");
        Assert.Equal(1, code);
        Assert.Contains("is a training run's directory", error);
        Assert.DoesNotContain("   at ", error);
    }

    [Theory]
    [InlineData("--trials", "0", "--trials must be at least 1")]
    [InlineData("--jobs", "0", "--jobs must be at least 1")]
    [InlineData("--retry-failed", "-1", "--retry-failed must not be negative")]
    [InlineData("--storage", "mysql://x", "mysql")]
    public void BadOptionsAreOneLineUserErrors(string option, string value, string expected)
    {
        var file = Path.Combine(_dir, "study.yaml");
        File.WriteAllText(file, StudyRunnerTests.Yaml("study: {trials: 1}"));
        var (code, _, error) = Run("tune", file, "--runs-dir", Path.Combine(_dir, "runs"), option, value);
        Assert.Equal(1, code);
        Assert.Contains(expected, error);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Fact]
    public void ConfigErrorsNameTheFileAndLine()
    {
        var file = Path.Combine(_dir, "bad.yaml");
        File.WriteAllText(file, StudyRunnerTests.Yaml("study: {trials: 1}").Replace("lr: {float: [0.001, 0.5], log: true}", "lr: {float: [0.001, 0.5], lg: true}", StringComparison.Ordinal));
        var (code, _, error) = Run("tune", file, "--runs-dir", Path.Combine(_dir, "runs"));
        Assert.Equal(1, code);
        Assert.Contains("bad.yaml:18:", error);
        Assert.Contains("unknown key 'lg'", error);
    }
}

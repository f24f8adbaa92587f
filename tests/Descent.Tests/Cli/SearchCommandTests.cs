using Descent.Experiments;
using Descent.Tests.Search;

namespace Descent.Tests.Cli;

/// <summary><c>descent search</c> end to end: a SQLite study that a second run continues, the best architecture file, the report.</summary>
public sealed class SearchCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("descent-searchcli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Code, string Out, string Err) Run(params string[] args) => CliRunner.Run(args);

    [Fact]
    public void SearchesIntoASqliteStudyWritesTheBestArchitectureAndContinues()
    {
        var file = Path.Combine(_dir, "search.yaml");
        File.WriteAllText(file, ArchitectureSearchRunnerTests.Blobs("study: {metric: val_accuracy, trials: 3}"));
        var runs = Path.Combine(_dir, "runs");

        var (code, output, error) = Run("search", file, "--runs-dir", runs, "--strategy", "random", "--seed", "1");
        Assert.True(code == 0, error + output);
        Assert.Contains("study arch: 3 trial(s) this run", output);
        Assert.Matches(@"best trial \d: val_accuracy = [0-9.]+, [0-9,]+ parameters", output);
        Assert.Contains("    linear ", output);                        // the diagram
        var best = Path.Combine(runs, "studies", "arch", "best.yaml");
        Assert.Contains($"best architecture (trial", output);
        Assert.Equal("arch-best", ExperimentConfig.Load(best).Name);
        Assert.Contains("[3/3] trial 2", error);
        Assert.True(File.Exists(Path.Combine(runs, "studies", "arch", "report.html")));

        // The default storage is runs/studies/<study>.db: a second run adds candidates, with the file's strategy now.
        (code, output, error) = Run("search", file, "--runs-dir", runs, "--trials", "1");
        Assert.True(code == 0, error + output);
        Assert.Contains("4 in total", output);

        // The rerun of the best architecture trains.
        (code, output, error) = Run("train", best, "--runs-dir", Path.Combine(_dir, "retrain"), "--quiet");
        Assert.True(code == 0, error + output);
    }

    [Theory]
    [InlineData("--strategy", "annealing", "--strategy must be one of random, evolution, reinforce, nsga2")]
    [InlineData("--trials", "0", "--trials must be at least 1")]
    public void BadOptionsAreOneLineUserErrors(string option, string value, string expected)
    {
        var file = Path.Combine(_dir, "search.yaml");
        File.WriteAllText(file, ArchitectureSearchRunnerTests.Blobs("study: {trials: 1}"));
        var (code, _, error) = Run("search", file, "--runs-dir", Path.Combine(_dir, "runs"), option, value);
        Assert.Equal(1, code);
        Assert.Contains(expected, error);
    }

    [Fact]
    public void AFileWithoutASearchSpaceIsAUserError()
    {
        var file = Path.Combine(_dir, "tune.yaml");
        File.WriteAllText(file, StudyRunnerTests.Yaml("study: {trials: 1}"));
        var (code, _, error) = Run("search", file, "--runs-dir", Path.Combine(_dir, "runs"));
        Assert.Equal(1, code);
        Assert.Contains("descent search needs a search_space: section", error);
    }
}

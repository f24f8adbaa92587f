using System.Globalization;
using System.Text.Json;
using Descent.Tests.Reports;
using Descent.Tests.Tuning.Storage;
using Descent.Tuning;

namespace Descent.Tests.Cli;

/// <summary><c>descent study list|show|best|export</c> and <c>descent report --study</c> on a SQLite storage made by the test.</summary>
public sealed class StudyCommandTests : IDisposable
{
    private readonly TempDir _dir = new("descent-study-cli");
    private readonly string _url;
    private readonly Dictionary<int, double> _values = [];   // trial number → objective of the complete trials

    public StudyCommandTests()
    {
        _url = "sqlite:///" + Path.Combine(_dir.Path, "studies.db");
        using var storage = new SqliteStorage(_url);
        var study = Study.Create(new StudyOptions { StudyName = "demo", Storage = storage, Sampler = new RandomSampler(seed: 3) });
        for (int n = 0; n < 7; n++)
        {
            var trial = study.Ask();
            double lr = trial.SuggestFloat("lr", 1e-4, 1e-1, log: true);
            int width = trial.SuggestInt("width", 16, 128);
            string opt = trial.SuggestCategorical("optimizer", "sgd", "adam");
            double value = Math.Pow(Math.Log10(lr) + 2.5, 2) + (opt == "adam" ? 0 : 0.3) + 8.0 / width;
            for (int step = 1; step <= 4; step++) trial.Report(value + 1.0 / step, step);
            if (n == 2) study.Tell(trial, TrialState.Pruned);
            else if (n == 5) study.Tell(trial, TrialState.Failed);
            else
            {
                study.Tell(trial, value);
                _values[trial.Number] = value;
            }
        }
        var mo = Study.Create(new StudyOptions
        {
            StudyName = "two-objectives", Storage = storage, Sampler = new RandomSampler(seed: 4),
            Directions = [StudyDirection.Minimize, StudyDirection.Maximize],
        });
        for (int n = 0; n < 5; n++)
        {
            var trial = mo.Ask();
            double x = trial.SuggestFloat("x", 0, 1);
            mo.Tell(trial, [x, x * x]);
        }
    }

    public void Dispose() => _dir.Dispose();

    private (int Best, double Value) ExpectedBest()
    {
        var best = _values.MinBy(kv => kv.Value);
        return (best.Key, best.Value);
    }

    private static string G6(double v) => v.ToString("G6", CultureInfo.InvariantCulture);

    [Fact]
    public void ListShowsEveryStudyWithCountsAndBest()
    {
        var (code, output, err) = CliRunner.Run("study", "list", "--storage", _url);
        Assert.True(code == 0, err);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["study", "directions", "trials", "complete", "pruned", "failed", "running", "best"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        var (best, value) = ExpectedBest();
        Assert.Equal(["demo", "minimize", "7", "5", "1", "1", "0", G6(value), "(trial", $"{best})"], lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("two-objectives", lines[2]);
        Assert.Contains("minimize,maximize", lines[2]);
        Assert.Equal(3, lines.Length);

        (code, output, _) = CliRunner.Run("study", "list", "--storage", _url, "--format", "json");
        Assert.Equal(0, code);
        var doc = JsonDocument.Parse(output).RootElement;
        Assert.Equal("demo", doc[0].GetProperty("study").GetString());
        Assert.Equal("5", doc[0].GetProperty("complete").GetString());
    }

    [Fact]
    public void ShowListsTheTrials()
    {
        var (code, output, err) = CliRunner.Run("study", "show", "--storage", _url, "--study", "demo");
        Assert.True(code == 0, err);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("study demo: 7 trials, directions minimize", lines[0]);
        Assert.Equal(["number", "state", "value", "duration", "params_lr", "params_optimizer", "params_width"],
            lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(9, lines.Length); // title, header, 7 trials
        Assert.Equal(["2", "Pruned"], lines[4].Split(' ', StringSplitOptions.RemoveEmptyEntries)[..2]);
        Assert.Equal(["5", "Failed"], lines[7].Split(' ', StringSplitOptions.RemoveEmptyEntries)[..2]);
    }

    [Fact]
    public void BestPrintsTheBestTrialAndItsParams()
    {
        var (best, value) = ExpectedBest();
        var (code, output, err) = CliRunner.Run("study", "best", "--storage", _url, "--study", "demo");
        Assert.True(code == 0, err);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal($"best trial {best}: value = {G6(value)}", lines[0]);
        Assert.Equal(["  lr", "  optimizer", "  width"], lines.Skip(1).Select(l => l.Split(" = ")[0]).Order(StringComparer.Ordinal));

        (code, output, _) = CliRunner.Run("study", "best", "--storage", _url, "--study", "demo", "--format", "json");
        Assert.Equal(0, code);
        var t = JsonDocument.Parse(output).RootElement.EnumerateArray().Single();
        Assert.Equal(best, t.GetProperty("number").GetInt32());
        Assert.Equal(value, t.GetProperty("values").GetProperty("value").GetDouble());
        Assert.Contains(t.GetProperty("params").GetProperty("optimizer").GetString(), new[] { "sgd", "adam" });

        // A multi-objective study prints its Pareto front (here every trial: x up is worse for one objective, better for the other).
        (code, output, _) = CliRunner.Run("study", "best", "--storage", _url, "--study", "two-objectives");
        Assert.Equal(0, code);
        Assert.Equal(5, output.Split('\n').Count(l => l.StartsWith("Pareto-optimal trial ", StringComparison.Ordinal)));
    }

    [Fact]
    public void ExportWritesCsvAndJson()
    {
        var (code, output, err) = CliRunner.Run("study", "export", "--storage", _url, "--study", "demo");
        Assert.True(code == 0, err);
        var rows = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(',')).ToList();
        Assert.Equal(["number", "state", "value", "datetime_start", "datetime_complete", "duration", "params_lr", "params_optimizer", "params_width"], rows[0]);
        Assert.Equal(8, rows.Count);
        foreach (var (n, v) in _values)
        {
            var row = rows.Single(r => r[0] == n.ToString(CultureInfo.InvariantCulture));
            Assert.Equal("Complete", row[1]);
            Assert.Equal(v, double.Parse(row[2], CultureInfo.InvariantCulture));
        }
        Assert.Equal("", rows.Single(r => r[0] == "5")[2]);

        var file = Path.Combine(_dir.Path, "out", "trials.json");
        (code, _, err) = CliRunner.Run("study", "export", "--storage", _url, "--study", "demo", "--format", "json", "--output", file);
        Assert.True(code == 0, err);
        Assert.Contains("wrote", err);
        var trials = JsonDocument.Parse(File.ReadAllText(file)).RootElement;
        Assert.Equal(7, trials.GetArrayLength());
        Assert.Equal(4, trials[0].GetProperty("intermediate_values").EnumerateObject().Count());
        Assert.Equal(JsonValueKind.Null, trials[5].GetProperty("values").GetProperty("value").ValueKind);
    }

    [Fact]
    public void StudyReportIsWritten()
    {
        var file = Path.Combine(_dir.Path, "demo.html");
        var (code, output, err) = CliRunner.Run("report", "--study", "demo", "--storage", _url, "--output", file);
        Assert.True(code == 0, err);
        Assert.Equal($"wrote {file}", output.Trim());
        var html = File.ReadAllText(file);
        Assert.Equal(["Overview", "Optimization history", "Intermediate values", "Parallel coordinates", "Slice plots", "Parameter importance", "Trials"],
            ReportFixtures.Headings(html));
        Assert.Contains("fANOVA", html);

        var mo = Path.Combine(_dir.Path, "mo.html");
        (code, _, err) = CliRunner.Run("report", "--study", "two-objectives", "--storage", _url, "-o", mo);
        Assert.True(code == 0, err);
        Assert.Contains("Pareto front", ReportFixtures.Headings(File.ReadAllText(mo)));
    }

    [Theory]
    [InlineData("study list --storage foo://bar", "unknown storage URL")]
    [InlineData("study show --storage {url} --study nope", "no study named \"nope\"; studies: demo, two-objectives")]
    [InlineData("study show --storage {url}", "--study is required: the storage holds 2 studies")]
    [InlineData("study best --storage sqlite:///{dir}/missing.db --study demo", "no study database at")]
    [InlineData("study export --storage {url} --study demo --format table", "study export writes csv or json")]
    [InlineData("report --study nope --storage {url}", "no study named \"nope\"")]
    [InlineData("report --study demo", "--study needs --storage")]
    public void ErrorsAreOneLineWithExitCode1(string args, string expected)
    {
        var argv = args.Replace("{url}", _url, StringComparison.Ordinal).Replace("{dir}", _dir.Path.TrimStart('/'), StringComparison.Ordinal).Split(' ');
        var (code, _, err) = CliRunner.Run(argv);
        Assert.Equal(1, code);
        Assert.StartsWith("descent: ", err);
        Assert.Contains(expected, err);
        Assert.Single(err.TrimEnd().Split('\n'));
    }
}

using System.Globalization;
using Descent.Cli.Reports;
using Descent.Tests.Reports;
using Descent.Tests.Tuning.Storage;

namespace Descent.Tests.Cli;

/// <summary><c>descent report RUN</c> on hand-made run directories (the format <c>descent train</c> writes).</summary>
public sealed class ReportCommandTests : IDisposable
{
    private readonly TempDir _dir = new("descent-run-report");

    public void Dispose() => _dir.Dispose();

    private string RunDir(string name = "mlp-demo", bool config = true, bool metrics = true, bool steps = true, bool summary = true)
    {
        var dir = Path.Combine(_dir.Path, "runs", name);
        Directory.CreateDirectory(Path.Combine(dir, "checkpoints"));
        if (config) File.WriteAllText(Path.Combine(dir, "config.yaml"), "model: mlp\noptimizer:\n  name: adam\n  lr: 0.001\nseed: 7\n");
        if (metrics)
        {
            var lines = new List<string> { "epoch,loss,accuracy,val_loss,val_accuracy,lr,seconds" };
            for (int e = 1; e <= 6; e++)
                lines.Add(string.Create(CultureInfo.InvariantCulture, $"{e},{1.0 / e},{1 - 0.5 / e},{1.1 / e + 0.02 * e},{0.95 - 0.5 / e},{1e-3 * Math.Pow(0.9, e)},{2.5}"));
            File.WriteAllLines(Path.Combine(dir, "metrics.csv"), lines);
        }
        if (steps)
        {
            var lines = new List<string> { "step,epoch,loss,lr,grad_norm" };
            for (int s = 1; s <= 600; s++)
                lines.Add(string.Create(CultureInfo.InvariantCulture, $"{s},{(s - 1) / 100 + 1},{2.0 / Math.Sqrt(s)},{1e-3 * Math.Pow(0.9, (s - 1) / 100 + 1)},{1 + (s % 7) * 0.1}"));
            File.WriteAllLines(Path.Combine(dir, "steps.csv"), lines);
        }
        if (summary)
            File.WriteAllText(Path.Combine(dir, "summary.json"), """
                {
                  "name": "mlp-demo",
                  "status": "completed",
                  "epochs": 6,
                  "best_epoch": 5,
                  "stop_reason": "max_epochs",
                  "seed": 7,
                  "parameters": 203530,
                  "model_summary": [
                    {"layer": "Flatten", "output_shape": [64, 784], "parameters": 0},
                    {"layer": "Linear(784, 256)", "output_shape": "[64, 256]", "parameters": 200960},
                    {"layer": "Linear(256, 10)", "output_shape": [64, 10], "parameters": 2570}
                  ],
                  "test": {"loss": 0.41, "accuracy": 0.873},
                  "confusion_matrix": [[50, 2, 1], [3, 40, 0], [0, 1, 60]],
                  "class_names": ["cat", "dog", "<bird>"],
                  "timing": {"seconds": 14.5, "samples_per_sec": 20480.5}
                }
                """);
        return dir;
    }

    [Fact]
    public void WritesTheReportIntoTheRunDirectory()
    {
        var dir = RunDir();
        var (code, output, err) = CliRunner.Run("report", dir);
        Assert.True(code == 0, err);
        var path = Path.Combine(dir, "report.html");
        Assert.Equal($"wrote {path}\n", output.ReplaceLineEndings("\n"));
        var html = File.ReadAllText(path);
        Assert.Equal(["Overview", "Test metrics", "Training curves", "Per step", "Confusion matrix", "Model", "Timing", "Configuration"],
            ReportFixtures.Headings(html));
        Assert.Contains("<title>Run mlp-demo</title>", html);
        Assert.Contains("<th>best epoch</th><td>5</td>", html);
        Assert.Contains("<th>accuracy</th><td>0.873</td>", html);
        Assert.Contains("<td>Flatten</td><td>[64, 784]</td><td>0</td>", html);
        Assert.Contains("<th>samples per sec</th><td>20480.5</td>", html);
        Assert.Contains("&lt;bird&gt;", html);
        Assert.Contains("lr: 0.001", html);
        Assert.Contains("150 of 157 on the diagonal", html);
        // Atomic write: no temporary file left beside the report.
        Assert.Equal(["config.yaml", "metrics.csv", "report.html", "steps.csv", "summary.json"],
            Directory.GetFiles(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ModelHoldsTheFilesValues()
    {
        var m = RunReportWriter.BuildModel(RunDir());
        Assert.Equal(6, m.Epochs!.Epochs.Count);
        Assert.Equal(["loss", "accuracy", "val_loss", "val_accuracy", "lr", "seconds"], m.Epochs.Columns.Select(c => c.Name));
        Assert.Equal(1.0 / 3, m.Epochs.Column("loss")!.Values[2], 12);
        Assert.Equal(600, m.Steps!.Steps.Count);
        Assert.Equal(2.0 / Math.Sqrt(600), m.Steps.Loss[^1], 12);
        Assert.Equal(6, m.Steps.Epoch[^1]);
        Assert.Equal(60, m.Confusion!.Counts[2, 2]);
        Assert.Equal(203530, m.Model!.TotalParameters);
        Assert.Equal(5, m.BestEpoch);
    }

    [Fact]
    public void MissingOptionalFilesOmitTheirSections()
    {
        var dir = RunDir(config: false, steps: false, summary: false);
        var (code, _, err) = CliRunner.Run("report", dir);
        Assert.True(code == 0, err);
        var html = File.ReadAllText(Path.Combine(dir, "report.html"));
        Assert.Equal(["Training curves"], ReportFixtures.Headings(html));
        Assert.Contains("<title>Run mlp-demo</title>", html); // the directory's name
    }

    [Theory]
    [InlineData("metrics.csv", "epoch,loss,val_loss\n1,0.5,0.6\n2,0.4,abc\n", "metrics.csv line 3: column \"val_loss\": \"abc\" is not a number")]
    [InlineData("metrics.csv", "epoch,loss\n1,0.5\n2\n", "metrics.csv line 3: 1 fields, the header has 2")]
    [InlineData("metrics.csv", "loss,epoch\n0.5,1\n", "metrics.csv line 1: the header must start with \"epoch\", got \"loss\"")]
    [InlineData("steps.csv", "step,loss\n1,0.5\n2,0.4,\n", "steps.csv line 3: 3 fields, the header has 2")]
    [InlineData("summary.json", "{\n  \"name\": \"x\",\n  \"epochs\": \"ten\"\n}", "summary.json line 3: \"epochs\" must be an integer, got \"ten\"")]
    [InlineData("summary.json", "{\n  \"test\": {\n    \"loss\": 0.5,\n    \"accuracy\": [1]\n  }\n}", "summary.json line 4: \"test\".\"accuracy\" must be a number, got an array")]
    [InlineData("summary.json", "{\n \"confusion_matrix\": [[1, 2],\n  [3]]\n}", "summary.json line 3: \"confusion_matrix\"[1] has 1 counts, row 0 has 2")]
    [InlineData("summary.json", "{\n \"confusion_matrix\": [[1, 0], [0, 1]],\n \"class_names\": [\"a\"]\n}", "summary.json line 3: \"class_names\" has 1 names but confusion_matrix is 2×2")]
    [InlineData("summary.json", "{\n  \"name\": \"x\",\n  \"epochs\": 3,,\n}", "summary.json line 3: invalid JSON")]
    public void BadContentFailsWithFileAndLine(string file, string content, string expected)
    {
        var dir = RunDir(name: "bad");
        File.WriteAllText(Path.Combine(dir, file), content);
        var (code, _, err) = CliRunner.Run("report", dir);
        Assert.Equal(1, code);
        Assert.StartsWith("descent: " + expected, err);
        Assert.Single(err.TrimEnd().Split('\n'));
        Assert.False(File.Exists(Path.Combine(dir, "report.html")));
    }

    [Fact]
    public void MissingOrEmptyDirectoriesAreOneLineErrors()
    {
        var (code, _, err) = CliRunner.Run("report", Path.Combine(_dir.Path, "nope"));
        Assert.Equal(1, code);
        Assert.StartsWith("descent: run directory not found:", err);
        var empty = Directory.CreateDirectory(Path.Combine(_dir.Path, "empty")).FullName;
        (code, _, err) = CliRunner.Run("report", empty);
        Assert.Equal(1, code);
        Assert.Contains("is not a run directory", err);
        (code, _, err) = CliRunner.Run("report");
        Assert.Equal(1, code);
        Assert.Contains("give a run directory", err);
    }

    [Fact]
    public void ReportsARunDirectoryOfThePreviousVersion()
    {
        // Fixtures/run-v1: a run that died after two epochs, written before the checkpointers were merged.
        var run = Path.Combine(AppContext.BaseDirectory, "Experiments", "Runs", "Fixtures", "run-v1");
        var output = Path.Combine(_dir.Path, "v1.html");
        var (code, _, err) = CliRunner.Run("report", run, "--output", output);
        Assert.True(code == 0, err);
        var html = File.ReadAllText(output);
        Assert.Equal(["Overview", "Training curves", "Per step", "Model", "Timing", "Configuration"], ReportFixtures.Headings(html));
        Assert.Contains("<th>status</th><td>failed</td>", html);
        Assert.Contains("<th>best epoch</th><td>2</td>", html);
        Assert.Contains("<td>2 (Linear)</td><td>[3]</td><td>27</td>", html);
    }
}

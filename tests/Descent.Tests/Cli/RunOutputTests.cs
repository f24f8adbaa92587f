using Descent.Cli;
using Descent.Experiments.Runs;

namespace Descent.Tests.Cli;

/// <summary>
/// What train/evaluate/predict tell the user (#18): which task a CSV target was read as, which weights the test metrics
/// used, and that a run or study name outside the documented characters is refused everywhere before anything is written.
/// </summary>
public sealed class RunOutputTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("descent-cli-output-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string Runs => Path.Combine(_dir.FullName, "runs");

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir.FullName, name);
        File.WriteAllText(path, text);
        return path;
    }

    // Two features, 0/1 labels by the sign of x0 + x1.
    private string BinaryCsv(string name, int rows, int seed, string? extraLabel = null)
    {
        var rng = new Random(seed);
        var sb = new System.Text.StringBuilder("a,b,label\n");
        for (int i = 0; i < rows; i++)
        {
            double a = rng.NextDouble() * 2 - 1, b = rng.NextDouble() * 2 - 1;
            string label = extraLabel is not null && i == rows - 2 ? extraLabel : a + b > 0 ? "1" : "0";
            sb.Append(FormattableString.Invariant($"{a:F4},{b:F4},{label}\n"));
        }
        return Write(name, sb.ToString());
    }

    private string CsvExperiment(string csv, string extra = "", string? test = null) => Write("csv.yaml", $"""
        name: csvrun
        seed: 3
        epochs: 3
        data:
          dataset: csv
          batch_size: 16
          validation: 0.2
          csv:
            path: {csv}
            target: label
        {(test is null ? "" : $"    test: {test}\n")}{extra}
        model: {"{"}preset: mlp, hidden: [8]{"}"}
        optimizer: {"{"}name: adam, lr: 0.01{"}"}
        """);

    [Fact]
    public void CsvTaskAutoSaysWhichTaskItChoseAndWhy()
    {
        var exp = CsvExperiment(BinaryCsv("binary.csv", 120, 1));
        var (code, output, errors) = CliRunner.Run("train", exp, "--runs-dir", Runs, "--quiet");
        Assert.True(code == 0, errors);
        Assert.Contains("task auto → classification: label column 'label' holds 2 distinct integers (0, 1)", errors);
        Assert.Matches(@"test accuracy: \d\.\d{4}", output);             // trained as classes, not as a regression
        Assert.Equal(["0", "1"], RunDirectory.Open(Path.Combine(Runs, "csvrun")).ReadSummary().ClassNames);
    }

    [Fact]
    public void LabelsOutsideTheDeclaredOrTrainingClassesAreRefusedWithFileRowAndColumn()
    {
        var csv = BinaryCsv("declared.csv", 60, 2, extraLabel: "7");
        var exp = CsvExperiment(csv, "    classes: [0, 1]\n");
        var (code, _, errors) = CliRunner.Run("train", exp, "--runs-dir", Runs, "--quiet");
        Assert.Equal(1, code);
        Assert.Equal($"descent: {csv}: row 59, column 'label': label '7' is not one of the classes (0, 1)", errors.Trim().Split('\n')[^1]);
        Assert.False(Directory.Exists(Path.Combine(Runs, "csvrun")));

        // A test file's labels are the training file's classes: one it never saw is named by row, not a schema mismatch.
        var test = BinaryCsv("test.csv", 30, 3, extraLabel: "2");
        exp = CsvExperiment(BinaryCsv("train.csv", 60, 4), test: test);
        (code, _, errors) = CliRunner.Run("train", exp, "--runs-dir", Runs, "--quiet");
        Assert.Equal(1, code);
        Assert.Equal($"descent: {test}: row 29, column 'label': label '2' is not one of the classes (0, 1)", errors.Trim().Split('\n')[^1]);
    }

    [Fact]
    public void TrainAndEvaluateSayWhichWeightsTheyUsed()
    {
        var exp = CsvExperiment(BinaryCsv("weights.csv", 120, 5));
        var (code, output, errors) = CliRunner.Run("train", exp, "--runs-dir", Runs, "--quiet");
        Assert.True(code == 0, errors);
        var run = RunDirectory.Open(Path.Combine(Runs, "csvrun"));
        var summary = run.ReadSummary();
        Assert.Contains($"test weights: the last epoch's weights (epoch 3); checkpoints/best.ckpt holds epoch {summary.BestEpoch} (descent evaluate RUN uses it)", output);

        (code, output, errors) = CliRunner.Run("evaluate", run.Path);
        Assert.True(code == 0, errors);
        double best = run.ReadHistory().Epochs[summary.BestEpoch!.Value - 1]["val_loss"];
        Assert.Contains(FormattableString.Invariant($"weights: best.ckpt: the best epoch's weights (epoch {summary.BestEpoch} by val_loss = {best:G4})"), output);

        (code, output, _) = CliRunner.Run("evaluate", run.LastCheckpointPath);
        Assert.Equal(0, code);
        Assert.Contains("weights: last.ckpt: the weights after epoch 3", output);

        // With restore_best_weights the test metrics are the best epoch's, and train says so.
        (code, output, errors) = CliRunner.Run("train", exp, "--runs-dir", Runs, "--quiet", "--name", "restored",
            "--set", "callbacks.early_stopping={monitor: val_loss, patience: 5, restore_best_weights: true}");
        Assert.True(code == 0, errors);
        int restoredBest = RunDirectory.Open(Path.Combine(Runs, "restored")).ReadSummary().BestEpoch!.Value;
        Assert.Contains($"test weights: the best epoch's weights (epoch {restoredBest} by val_loss, restored by early_stopping.restore_best_weights)", output);
    }

    [Theory]
    [InlineData("my run")]
    [InlineData("a*b")]
    [InlineData("x/y")]
    [InlineData("..")]
    [InlineData(".hidden")]
    [InlineData("semi;colon")]
    public void ARunNameOutsideTheDocumentedCharactersIsRefusedByEveryCommand(string name)
    {
        var exp = Write("named.yaml", "name: fine\nepochs: 1\ndata: {dataset: synthetic, synthetic: {kind: xor, samples: 40}}\nmodel: {preset: mlp, hidden: [4]}\n");
        var attempts = new List<string[]>
        {
            new[] { "train", exp, "--runs-dir", Runs, "--name", name },
            new[] { "train", exp, "--runs-dir", Runs, "--set", $"name={name}" },
            new[] { "distill", "--teacher", exp, "--runs-dir", Runs, "--name", name },
            new[] { "prune", exp, "--runs-dir", Runs, "--name", name },
            new[] { "quantize", exp, "--runs-dir", Runs, "--name", name },
        };
        var yamlName = Write("yamlname.yaml", $"name: \"{name}\"\nepochs: 1\n");
        attempts.Add(["train", yamlName, "--runs-dir", Runs]);
        var study = Write("study.yaml", $"""
            name: fine
            epochs: 1
            data: {"{"}dataset: synthetic, synthetic: {"{"}kind: xor, samples: 40{"}"}{"}"}
            search:
              lr: {"{"}float: [0.001, 0.1], log: true{"}"}
            study: {"{"}name: "{name}", trials: 1{"}"}
            """);
        attempts.Add(["tune", study, "--runs-dir", Runs]);
        attempts.Add(["search", study, "--runs-dir", Runs]);
        foreach (var args in attempts)
        {
            var (code, _, errors) = CliRunner.Run(args);
            string command = string.Join(' ', args.Select(a => a.Replace(_dir.FullName, "…", StringComparison.Ordinal)));
            Assert.True(code == 1, $"{command}: exit {code}: {errors}");
            var lines = errors.Trim().Split('\n');
            Assert.True(lines.Length <= 2 && lines[^1].StartsWith("descent: ", StringComparison.Ordinal), $"{command}: {errors}");
            Assert.DoesNotContain("   at ", errors);
            Assert.True(lines[^1].Contains("run name", StringComparison.Ordinal), $"{command}: {errors}");
        }
        Assert.False(Directory.Exists(Runs) && Directory.EnumerateFileSystemEntries(Runs, "*", SearchOption.AllDirectories)
            .Any(p => Path.GetFileName(p) is var f && f != "studies"), "nothing may be written for a refused name");
    }
}

using Descent.Experiments.Runs;

namespace Descent.Tests.Cli;

/// <summary><c>descent distill</c> end to end on the embedded Fashion-MNIST subset: the run, its comparison and report, and user errors.</summary>
public sealed class DistillCommandTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("descent-cli-distill-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string Runs => Path.Combine(_dir.FullName, "runs");

    // The train command tests' tiny run, as the teacher.
    private static readonly string Teacher = TrainCommandTests.Tiny.Replace("name: tiny", "name: teacher", StringComparison.Ordinal);

    private string TrainTeacher()
    {
        var path = Path.Combine(_dir.FullName, "teacher.yaml");
        File.WriteAllText(path, Teacher);
        var (code, _, errors) = CliRunner.Run("train", path, "--runs-dir", Runs, "--quiet");
        Assert.True(code == 0, errors);
        return Path.Combine(Runs, "teacher");
    }

    [Fact]
    public void DistillTrainsTheStudentAndTheScratchStudentAndPrintsTheComparison()
    {
        var teacher = TrainTeacher();
        var (code, output, errors) = CliRunner.Run("distill", "--teacher", teacher, "--hidden", "16", "--temperature", "3", "--alpha", "0.2",
            "--epochs", "2", "--runs-dir", Runs, "--quiet");
        Assert.True(code == 0, errors);
        Assert.Contains("distilling", errors, StringComparison.Ordinal);
        Assert.Contains("distillation (T=3, alpha=0.2, teacher logits precomputed):", output, StringComparison.Ordinal);
        foreach (var role in new[] { "student", "scratch", "teacher" })
            Assert.Matches($@"\n  {role} +\d+\.\d{{4}} +0\.\d{{4}} +\d+ +\d+\.\d{{3}}", output);
        var run = RunDirectory.Open(Path.Combine(Runs, "teacher-mlp-distilled"));
        var config = run.ReadConfig();
        Assert.Equal([16], config.Model.Hidden!);
        Assert.Equal(2, config.Epochs);
        Assert.Equal(400, config.Data.TrainSamples);   // the teacher's data
        Assert.Equal((3.0, 0.2), (config.Distillation!.Temperature, config.Distillation.Alpha));
        Assert.Equal([Path.GetFullPath(teacher)], config.Distillation.Teachers);
        var report = File.ReadAllText(run.ReportPath);
        Assert.Contains("Agreement with the teacher per epoch", report, StringComparison.Ordinal);
        Assert.Contains("scratch student", report, StringComparison.Ordinal);
        // Which loss is which: the student's training loss is the distillation loss (its own chart), the training
        // cross-entropy (hard_loss) is drawn with the validation cross-entropy, and the test losses are cross-entropies.
        var titles = Descent.Tests.Reports.ReportFixtures.ChartTitles(report);
        Assert.Contains("Distillation loss per epoch", titles);
        Assert.Contains("Cross entropy per epoch", titles);
        Assert.Contains("Distillation loss per step", titles);
        Assert.DoesNotContain("Loss per epoch", titles);
        Assert.Contains("<th>test cross-entropy loss</th>", report, StringComparison.Ordinal);
        Assert.Contains("the test loss is the cross-entropy with the labels for every model", report, StringComparison.Ordinal);

        // Opting out of the scratch run leaves it out of the comparison.
        (code, output, errors) = CliRunner.Run("distill", "--teacher", teacher, "--no-scratch", "--epochs", "1", "--name", "no-scratch", "--runs-dir", Runs, "--quiet");
        Assert.True(code == 0, errors);
        Assert.DoesNotContain("\n  scratch", output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(Runs, "no-scratch", "scratch")));
    }

    [Fact]
    public void BadRequestsAreOneLineUserErrors()
    {
        var (code, _, errors) = CliRunner.Run("distill", "--runs-dir", Runs);
        Assert.Equal(1, code);
        Assert.Contains("--teacher RUN|CKPT is required", errors, StringComparison.Ordinal);
        (code, _, errors) = CliRunner.Run("distill", "--teacher", Path.Combine(_dir.FullName, "nowhere"), "--runs-dir", Runs);
        Assert.Equal(1, code);
        Assert.Contains("nowhere", errors, StringComparison.Ordinal);

        var teacher = TrainTeacher();
        (code, _, errors) = CliRunner.Run("distill", "--teacher", teacher, "--student", "transformer", "--runs-dir", Runs);
        Assert.Equal(1, code);
        Assert.Contains("neither a preset", errors, StringComparison.Ordinal);
        (code, _, errors) = CliRunner.Run("distill", "--teacher", teacher, "--set", "distillation.reduction=mean", "--runs-dir", Runs);
        Assert.Equal(1, code);
        Assert.Contains("class count", errors, StringComparison.Ordinal);
        (code, _, errors) = CliRunner.Run("distill", "--teacher", teacher, "--alpha", "2", "--runs-dir", Runs);
        Assert.Equal(1, code);
        Assert.Contains("distillation.alpha", errors, StringComparison.Ordinal);
        var plain = Path.Combine(_dir.FullName, "plain.yaml");
        File.WriteAllText(plain, Teacher);
        (code, _, errors) = CliRunner.Run("distill", "--student", plain, "--runs-dir", Runs);
        Assert.Equal(1, code);
        Assert.Contains("has no distillation: section", errors, StringComparison.Ordinal);
        Assert.Single(errors.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}

using System.Text.Json;
using Descent.Cli.Bench;

namespace Descent.Tests.Cli;

/// <summary>
/// <c>descent bench distill</c> and its <c>--pruned</c> mode: the JSON lines and the option errors (the numbers themselves
/// are measurements, not tested beyond their consistency).
/// </summary>
public sealed class BenchDistillCommandTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("descent-bench-distill-");

    public void Dispose() => _dir.Delete(recursive: true);

    // The train command tests' tiny MLP run (hidden 32), as the model to prune.
    private string TrainTiny()
    {
        var path = Path.Combine(_dir.FullName, "tiny.yaml");
        File.WriteAllText(path, TrainCommandTests.Tiny);
        var runs = Path.Combine(_dir.FullName, "runs");
        var (code, _, errors) = CliRunner.Run("train", path, "--runs-dir", runs, "--quiet");
        Assert.True(code == 0, errors);
        return Path.Combine(runs, "tiny");
    }

    [Fact]
    public void PrunedModePrunesToTheMacsTargetAndFineTunesBothWaysPerSeed()
    {
        var run = TrainTiny();
        var output = new StringWriter();
        var errors = new StringWriter();
        int code = DistillBench.Run(["--pruned", "--teacher", run, "--macs", "0.5", "--epochs", "1", "--seeds", "0,1", "--threads", "1",
            "--samples", "300", "--test-samples", "200", "--json"], output, errors);
        Assert.True(code == 0, errors.ToString());
        var row = JsonDocument.Parse(output.ToString()).RootElement;
        long before = row.GetProperty("macs_before").GetInt64(), after = row.GetProperty("macs_after").GetInt64();
        Assert.Equal(784L * 32 + 32 * 10, before);
        Assert.True(after <= before / 2, $"{before} -> {after}");
        // The smallest amount on the 0.01 grid: one hidden unit more would exceed half the MACs.
        int kept = (int)(after / (784 + 10));
        Assert.Equal(kept * (784L + 10), after);
        Assert.True((kept + 1) * (784 + 10) > before / 2.0, $"{kept} hidden units kept");
        Assert.True(row.GetProperty("parameters_after").GetInt64() < row.GetProperty("parameters_before").GetInt64());
        Assert.Equal(300, row.GetProperty("samples").GetInt32());
        Assert.Equal(200, row.GetProperty("test_samples").GetInt32());
        var runs = row.GetProperty("runs").EnumerateArray().ToList();
        Assert.Equal([0L, 1L], runs.Select(r => r.GetProperty("seed").GetInt64()));
        foreach (var r in runs)
        {
            double labels = r.GetProperty("labels").GetProperty("accuracy").GetDouble();
            double distilled = r.GetProperty("distilled").GetProperty("accuracy").GetDouble();
            Assert.InRange(labels, 0.0, 1.0);
            Assert.InRange(distilled, 0.0, 1.0);
            Assert.Equal(distilled - labels, r.GetProperty("gain").GetDouble(), 1e-5);
        }
        Assert.Equal(runs.Average(r => r.GetProperty("gain").GetDouble()), row.GetProperty("mean_gain").GetDouble(), 1e-5);
        Assert.True(row.GetProperty("teacher_latency_ms").GetDouble() > 0);
        Assert.True(row.GetProperty("pruned_latency_ms").GetDouble() > 0);
        Assert.Contains("seed 1: distilled", errors.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void PrunedModeOptionErrorsAreOneLineUserErrors()
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        Assert.Equal(1, DistillBench.Run(["--pruned"], output, errors));
        Assert.Contains("--teacher RUN|CKPT is required", errors.ToString(), StringComparison.Ordinal);
        Assert.Equal(1, DistillBench.Run(["--pruned", "--teacher", "/no/such/run"], output, errors));
        Assert.Contains("neither a run directory nor a checkpoint", errors.ToString(), StringComparison.Ordinal);
        var run = _dir.FullName;   // exists; the option checks come first
        Assert.Equal(1, DistillBench.Run(["--pruned", "--teacher", run, "--macs", "1.5"], output, errors));
        Assert.Contains("--macs must be a fraction in (0, 1), got '1.5'", errors.ToString(), StringComparison.Ordinal);
        Assert.Equal(1, DistillBench.Run(["--pruned", "--teacher", run, "--seeds", "0,-1"], output, errors));
        Assert.Contains("--seeds must be whole numbers", errors.ToString(), StringComparison.Ordinal);
        Assert.Equal(1, DistillBench.Run(["--pruned", "--teacher", run, "--alpha", "2"], output, errors));
        Assert.Contains("--alpha must be in [0, 1]", errors.ToString(), StringComparison.Ordinal);
        // A folder that is no run: one line naming it, no stack trace.
        errors.GetStringBuilder().Clear();
        Assert.Equal(1, DistillBench.Run(["--pruned", "--teacher", run, "--samples", "50", "--test-samples", "50"], output, errors));
        Assert.DoesNotContain("   at ", errors.ToString(), StringComparison.Ordinal);
        Assert.StartsWith("descent bench distill --pruned:", errors.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void PrintsOneJsonLineWithTheDocumentedFields()
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        int code = DistillBench.Run(["--hidden", "16", "--batch", "256", "--epochs", "1", "--rounds", "1", "--threads", "1", "--on-the-fly",
            "--samples", "600", "--json"], output, errors);
        Assert.True(code == 0, errors.ToString());
        var row = JsonDocument.Parse(output.ToString()).RootElement;
        Assert.Equal([16], row.GetProperty("student_hidden").EnumerateArray().Select(e => e.GetInt32()));
        foreach (var key in new[] { "plain_epoch_seconds", "precomputed_epoch_seconds", "on_the_fly_epoch_seconds", "precompute_seconds" })
            Assert.True(row.GetProperty(key).GetDouble() > 0, key);
        // The ratio is of the unrounded seconds (printed to the microsecond): equal to 0.1 %.
        double ratio = row.GetProperty("precomputed_epoch_seconds").GetDouble() / row.GetProperty("plain_epoch_seconds").GetDouble();
        Assert.Equal(ratio, row.GetProperty("precomputed_ratio").GetDouble(), 1e-3 * ratio);
        Assert.Contains("round 1/1 on_the_fly", errors.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void BadOptionsAreOneLineUserErrors()
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        Assert.Equal(1, DistillBench.Run(["--hidden", "0"], output, errors));
        Assert.Contains("--hidden widths must be positive whole numbers", errors.ToString(), StringComparison.Ordinal);
        Assert.Equal(1, DistillBench.Run(["--teacher", "/no/such/run"], output, errors));
        Assert.Contains("neither a run directory nor a checkpoint", errors.ToString(), StringComparison.Ordinal);
        Assert.Equal(1, DistillBench.Run(["--epochs", "0"], output, errors));
        Assert.Equal(1, DistillBench.Run(["--samples", "-5"], output, errors));
    }
}

using System.Text.Json;
using Descent.Cli.Bench;

namespace Descent.Tests.Cli;

/// <summary><c>descent bench distill</c>: its JSON line and its option errors (the numbers themselves are measurements, not tested).</summary>
public class BenchDistillCommandTests
{
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

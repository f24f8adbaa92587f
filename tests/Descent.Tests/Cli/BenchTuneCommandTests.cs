using System.Text.Json;
using Descent.Cli.Bench;

namespace Descent.Tests.Cli;

public class BenchTuneCommandTests
{
    [Fact]
    public void OverheadPrintsOneJsonLinePerSampler()
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        int code = TuneBench.Run(["--sampler", "tpe,random", "--trials", "30", "--params", "3", "--window", "10", "--json"], output, errors);
        Assert.Equal(0, code);
        var rows = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.Equal(["tpe", "random"], rows.Select(r => r.GetProperty("sampler").GetString()));
        foreach (var r in rows)
        {
            Assert.Equal(30, r.GetProperty("trials").GetInt32());
            Assert.Equal(3, r.GetProperty("params").GetInt32());
            Assert.Equal(10, r.GetProperty("window").GetInt32());
            double total = r.GetProperty("ms_per_trial_last10").GetDouble(), inSampler = r.GetProperty("sampler_ms_per_trial_last10").GetDouble();
            Assert.True(total > 0 && inSampler >= 0 && inSampler <= total);
        }
    }

    [Fact]
    public void QualityPrintsTheMedianOfThePerSeedBestValues()
    {
        var output = new StringWriter();
        int code = TuneBench.Run(["--quality", "--objective", "branin", "--sampler", "random", "--trials", "12", "--seeds", "3", "--json"], output, new StringWriter());
        Assert.Equal(0, code);
        var row = JsonDocument.Parse(output.ToString()).RootElement;
        var best = row.GetProperty("best").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(3, best.Length);
        Assert.Equal(best.Order().ElementAt(1), row.GetProperty("median_best").GetDouble());
        Assert.Equal("branin", row.GetProperty("objective").GetString());
    }

    [Fact]
    public void BadOptionsAreUserErrors()
    {
        var errors = new StringWriter();
        Assert.Equal(1, TuneBench.Run(["--sampler", "hyperopt"], new StringWriter(), errors));
        Assert.Contains("unknown sampler 'hyperopt'", errors.ToString());
        Assert.Equal(1, TuneBench.Run(["--sampler", "tpe", "--quality", "--objective", "ackley"], new StringWriter(), errors));
        Assert.Contains("unknown objective 'ackley'", errors.ToString());
        Assert.Equal(1, TuneBench.Run(["--sampler", "tpe", "--quality"], new StringWriter(), errors));
        Assert.Equal(1, TuneBench.Run(["--sampler", "tpe", "--seeds", "3"], new StringWriter(), errors));
        Assert.Equal(1, TuneBench.Run(["--trials", "3"], new StringWriter(), errors));
    }
}

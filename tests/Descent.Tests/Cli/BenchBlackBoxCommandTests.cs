using System.Text.Json;
using Descent.Cli.Bench;

namespace Descent.Tests.Cli;

public class BenchBlackBoxCommandTests
{
    [Fact]
    public void QualityPrintsTheMedianOfThePerSeedResults()
    {
        var output = new StringWriter();
        int code = BlackBoxBench.Run(["--method", "ga,random", "--problem", "ackley10", "--evaluations", "120", "--seeds", "3", "--json"], output, new StringWriter());
        Assert.Equal(0, code);
        var rows = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.Equal(["ga", "random"], rows.Select(r => r.GetProperty("method").GetString()));
        foreach (var r in rows)
        {
            var values = r.GetProperty("values").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            Assert.Equal(3, values.Length);
            Assert.Equal(values.Order().ElementAt(1), r.GetProperty("median").GetDouble());
            Assert.Equal("best", r.GetProperty("measure").GetString());
        }

        var text = new StringWriter();
        Assert.Equal(0, BlackBoxBench.Run(["--method", "nsga2", "--problem", "zdt1", "--evaluations", "120", "--seeds", "1"], text, new StringWriter()));
        Assert.Contains("median hypervolume", text.ToString());
        Assert.Contains("median IGD", text.ToString());
    }

    [Fact]
    public void OverheadPrintsTheTimePerGeneration()
    {
        var output = new StringWriter();
        Assert.Equal(0, BlackBoxBench.Run(["--overhead", "--population", "6", "--generations", "2", "--json"], output, new StringWriter()));
        var row = JsonDocument.Parse(output.ToString()).RootElement;
        Assert.Equal("rastrigin10", row.GetProperty("problem").GetString());
        Assert.True(row.GetProperty("engine_ms_per_generation").GetDouble() > 0);
    }

    [Fact]
    public void BadOptionsAreUserErrors()
    {
        var errors = new StringWriter();
        Assert.Equal(1, BlackBoxBench.Run(["--method", "pso", "--problem", "zdt1"], new StringWriter(), errors));
        Assert.Contains("unknown method 'pso'", errors.ToString());
        Assert.Equal(1, BlackBoxBench.Run(["--method", "ga", "--problem", "sphere"], new StringWriter(), errors));
        Assert.Contains("unknown problem 'sphere'", errors.ToString());
        Assert.Equal(1, BlackBoxBench.Run(["--method", "ga", "--problem", "zdt1"], new StringWriter(), errors));
        Assert.Contains("ga does not run on zdt1", errors.ToString());
        Assert.Equal(1, BlackBoxBench.Run(["--method", "ga"], new StringWriter(), errors));
        Assert.Equal(1, BlackBoxBench.Run(["--overhead", "--method", "ga"], new StringWriter(), errors));
        Assert.Equal(1, BlackBoxBench.Run(["--overhead", "--problem", "zdt1"], new StringWriter(), errors));
        Assert.Equal(1, BlackBoxBench.Run(["--method", "ga", "--problem", "ackley10", "--population", "4"], new StringWriter(), errors));
        var help = new StringWriter();
        Assert.Equal(0, BlackBoxBench.Run(["--help"], help, new StringWriter()));
        Assert.Contains("usage: descent bench blackbox", help.ToString());
    }
}

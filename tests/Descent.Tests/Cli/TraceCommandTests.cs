using System.Text.Json;
using System.Xml.Linq;
using Descent.Cli.Bench;
using Descent.Cli.Trace;

namespace Descent.Tests.Cli;

/// <summary><c>descent trace</c> and <c>descent bench optim</c> option handling and output.</summary>
public class TraceCommandTests
{
    private static (int Code, string Out, string Err) Trace(params string[] args)
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        int code = TraceCommand.Run(args, output, errors);
        return (code, output.ToString(), errors.ToString());
    }

    [Fact]
    public void PrintsTheTextbookAdamTable()
    {
        var (code, output, _) = Trace("--optimizer", "adam", "--function", "x^2", "--x0", "2", "--lr", "0.1", "--steps", "3");
        Assert.Equal(0, code);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd()).ToArray();
        Assert.StartsWith("adam on f(x) = x^2, from (2), lr = 0.1", lines[0]);
        Assert.Equal(["t", "g", "m", "v", "m̂", "v̂", "θ", "f(θ)"], lines[2].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        // Row 1: g = 4, m = 0.4, v = 0.016, m̂ = 4, v̂ = 16, θ = 2 − 0.1·4/(4 + 1e-8) (textbook.json adam_textbook).
        Assert.Equal(["1", "4", "0.4", "0.016", "4", "16", "1.9", "3.61"], lines[3].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(6, lines.Length);
    }

    [Fact]
    public void TwoDimensionalFunctionsGetOneColumnPerCoordinateAndJsonWorks()
    {
        var (code, output, _) = Trace("--optimizer", "gd,nesterov", "--function", "himmelblau", "--x0", "1,1", "--lr", "0.01", "--steps", "2", "--json");
        Assert.Equal(0, code);
        var doc = JsonDocument.Parse(output).RootElement;
        Assert.Equal(2, doc.GetArrayLength());
        Assert.Equal("nesterov", doc[1].GetProperty("optimizer").GetString());
        var row = doc[0].GetProperty("rows")[0];
        // ∇f(1, 1) for Himmelblau = (4x(x²+y−11) + 2(x+y²−7), 2(x²+y−11) + 4y(x+y²−7)) = (−46, −38).
        Assert.Equal(-46, row.GetProperty("grad")[0].GetDouble(), 12);
        Assert.Equal(-38, row.GetProperty("grad")[1].GetDouble(), 12);
        Assert.Equal(1.46, row.GetProperty("theta")[0].GetDouble(), 12);
        var (_, table, _) = Trace("--optimizer", "adam", "--function", "rosenbrock", "--steps", "1");
        Assert.Contains("g[x]", table);
        Assert.Contains("v̂[y]", table);
    }

    [Fact]
    public void WritesAnSvg()
    {
        var path = Path.Combine(Path.GetTempPath(), $"descent-trace-{Guid.NewGuid():N}.svg");
        try
        {
            var (code, _, err) = Trace("--optimizer", "gd", "--optimizer", "adam", "--function", "saddle", "--steps", "20", "--lr", "0.05", "--svg", path);
            Assert.Equal(0, code);
            Assert.Contains("wrote", err);
            var svg = XDocument.Load(path);
            Assert.Equal(2, svg.Descendants().Count(e => (string?)e.Attribute("class") == "trajectory"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("--function x^2 --x0 1", "--optimizer is required")]
    [InlineData("--optimizer lbfgs --function x^2 --x0 1", "unknown optimizer 'lbfgs' (known: gd, momentum-ema, sgd-momentum, nesterov, sgd, adagrad, rmsprop, adam, adamw, adamax, nadam, radam, adadelta, gradientdescent")]
    [InlineData("--optimizer adam --function x^2 --x0 1 --set momentum=0.9", "Adam: unknown hyperparameter 'momentum'")]
    [InlineData("--optimizer adam --function x^2 --x0 1 --set betas", "--set needs KEY=VALUE")]
    [InlineData("--optimizer gd --x0 1", "--function is required")]
    [InlineData("--optimizer gd --function x^2", "--x0 is required for a custom --function")]
    [InlineData("--optimizer gd --function x^2+y --x0 1", "--x0 has 1 value(s) but the function has 2 variable(s) (x, y)")]
    [InlineData("--optimizer gd --function x^2 --x0 1 --lr abc", "--lr must be a number")]
    [InlineData("--optimizer gd --function x^2 --x0 1 --bogus 3", "unknown option '--bogus'")]
    [InlineData("--optimizer gd --function x^2 --x0 1 --steps", "--steps needs a value")]
    [InlineData("--optimizer gd --function x^2 --x0 1 --lr -1", "lr must be ≥ 0")]
    public void UserErrorsExitWithOneAndAMessage(string args, string message)
    {
        var (code, _, err) = Trace(args.Split(' '));
        Assert.Equal(1, code);
        Assert.Contains(message, err);
    }

    [Fact]
    public void ExpressionErrorsShowACaret()
    {
        var (code, _, err) = Trace("--optimizer", "gd", "--function", "x^2 + 3*", "--x0", "1");
        Assert.Equal(1, code);
        var lines = err.Split(Environment.NewLine);
        Assert.StartsWith("descent trace: --function: unexpected end of expression", lines[0]);
        Assert.Equal("  x^2 + 3*", lines[1]);
        Assert.Equal("          ^", lines[2]);
    }

    [Fact]
    public void HelpPrintsUsage()
    {
        var (code, output, _) = Trace("--help");
        Assert.Equal(0, code);
        Assert.Contains("usage: descent trace", output);
    }

    [Fact]
    public void BenchOptimPrintsOneJsonObjectPerCase()
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        int code = OptimBench.Run(["--optimizer", "adam,sgd", "--params", "1e3", "--repeat", "1", "--min-seconds", "0.01", "--json"], output, errors);
        Assert.Equal(0, code);
        var rows = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.Equal(["adam", "sgd"], rows.Select(r => r.GetProperty("optimizer").GetString()));
        foreach (var r in rows)
        {
            Assert.Equal(1000, r.GetProperty("params").GetInt32());
            Assert.True(r.GetProperty("ms_per_step").GetDouble() > 0);
            Assert.True(r.GetProperty("gb_per_s").GetDouble() > 0);
            Assert.True(r.GetProperty("copy_gb_per_s").GetDouble() > 0);
            Assert.True(r.TryGetProperty("threads", out _));
            Assert.True(r.TryGetProperty("bandwidth_fraction", out _));
        }
        Assert.Equal(1, OptimBench.Run(["--optimizer", "lion", "--params", "10"], output, errors));
        Assert.Contains("unknown optimizer 'lion'", errors.ToString());
        Assert.Equal(1, OptimBench.Run(["--optimizer", "adam", "--params", "1.5"], output, errors));
    }
}

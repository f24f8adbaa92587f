using System.CommandLine;
using System.Text.Json;
using Descent.Cli;

namespace Descent.Tests.Cli;

/// <summary><c>descent bench gemm</c>: options parsed by System.CommandLine, JSON lines, user errors.</summary>
[Collection("KernelConfig")] // redirects Console.Out, which is process-wide
public class BenchGemmCommandTests
{
    private static (int Code, string Out) Invoke(params string[] args)
    {
        var output = new StringWriter();
        var saved = Console.Out;
        Console.SetOut(output);
        try
        {
            int code = Program.BuildRoot().Parse(["bench", "gemm", .. args])
                .Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false, Output = output, Error = output });
            return (code, output.ToString());
        }
        finally
        {
            Console.SetOut(saved);
        }
    }

    [Fact]
    public void JsonLinesCarryEveryShapeAndFlag()
    {
        using var threads = Descent.Kernels.ParallelFor.OverrideThreads(2);
        var (code, output) = Invoke("--shapes", "8x4x3,5x6x7", "--threads", "1", "--dtype", "f64", "--trans-b",
            "--json", "--repeat", "1", "--min-seconds", "0.001");
        Assert.Equal(0, code);
        // --threads holds for the command only: the caller's count is back afterwards.
        Assert.Equal(2, Descent.Kernels.ParallelFor.Threads);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        var second = JsonDocument.Parse(lines[1]).RootElement;
        Assert.Equal(1, second.GetProperty("threads").GetInt32());
        Assert.Equal(5, second.GetProperty("m").GetInt32());
        Assert.Equal(6, second.GetProperty("n").GetInt32());
        Assert.Equal(7, second.GetProperty("k").GetInt32());
        Assert.Equal("f64", second.GetProperty("dtype").GetString());
        Assert.True(second.GetProperty("trans_b").GetBoolean());
        Assert.False(second.GetProperty("trans_a").GetBoolean());
        Assert.True(second.GetProperty("gflops").GetDouble() > 0);
    }

    [Fact]
    public void WithoutAShapeTheDefaultSetIsTimed()
    {
        // Issue #18: `descent bench gemm` with no arguments failed; it now times a default shape set.
        var (code, output) = Invoke("--json", "--repeat", "1", "--min-seconds", "0.001");
        Assert.Equal(0, code);
        var shapes = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)
            .Select(e => $"{e.GetProperty("m").GetInt32()}x{e.GetProperty("n").GetInt32()}x{e.GetProperty("k").GetInt32()}");
        Assert.Equal(["64x256x784", "512x512x512", "1024x1024x1024"], shapes);
    }

    [Theory]
    [InlineData("--m", "4", "--n", "4")]
    [InlineData("--shapes", "4x4")]
    [InlineData("--m", "0", "--n", "4", "--k", "4")]
    public void IncompleteOrBadShapesAreUserErrors(params string[] args)
    {
        var e = Assert.ThrowsAny<Exception>(() => Invoke(args));
        Assert.True(CliErrors.IsUserError(e), e.ToString());
    }
}

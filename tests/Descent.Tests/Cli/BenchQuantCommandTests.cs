using System.CommandLine;
using System.Text.Json;
using Descent.Benchmarks;
using Descent.Cli;

namespace Descent.Tests.Cli;

/// <summary><c>descent bench quant gemm|model</c>: JSON lines with both timings and the ratio, user errors; and the measurement itself.</summary>
[Collection("KernelConfig")] // redirects Console.Out, which is process-wide
public class BenchQuantCommandTests
{
    private static (int Code, string Out) Invoke(params string[] args)
    {
        var output = new StringWriter();
        var saved = Console.Out;
        Console.SetOut(output);
        try
        {
            int code = Program.BuildRoot().Parse(["bench", "quant", .. args])
                .Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false, Output = output, Error = output });
            return (code, output.ToString());
        }
        finally
        {
            Console.SetOut(saved);
        }
    }

    [Fact]
    public void GemmJsonCarriesBothTimesAndTheRatio()
    {
        var (code, output) = Invoke("gemm", "--shapes", "5x17x9", "--json", "--repeat", "1", "--min-seconds", "0.001");
        Assert.Equal(0, code);
        var line = JsonDocument.Parse(output.Trim()).RootElement;
        Assert.Equal(("quant_gemm", 5, 17, 9), (line.GetProperty("op").GetString(), line.GetProperty("m").GetInt32(), line.GetProperty("n").GetInt32(), line.GetProperty("k").GetInt32()));
        var gemm = line.GetProperty("gemm");
        Assert.Equal(gemm.GetProperty("f32_seconds").GetDouble() / gemm.GetProperty("int8_seconds").GetDouble(), gemm.GetProperty("ratio").GetDouble(), 3);
        Assert.True(line.GetProperty("with_quantize").GetProperty("int8_seconds").GetDouble() > 0);
    }

    [Fact]
    public void ModelTextNamesTheBatchAndConvertedLayers()
    {
        var (code, output) = Invoke("model", "--model", "mlp", "--batch", "1,3", "--repeat", "1", "--min-seconds", "0.001");
        Assert.Equal(0, code);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("quant model mlp dynamic batch=1 threads=1", lines[0]);
        Assert.Contains("(3 layers int8)", lines[1]);
    }

    [Fact]
    public void StaticModeConvertsTheConvolutionsToo()
    {
        var (code, output) = Invoke("model", "--model", "lenet5", "--mode", "static", "--batch", "2", "--repeat", "1", "--min-seconds", "0.001", "--json");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output.Trim());
        Assert.Equal(("static", 4), (doc.RootElement.GetProperty("mode").GetString(), doc.RootElement.GetProperty("converted").GetInt32()));
    }

    [Theory]
    [InlineData("gemm --shapes 4x4", "--shapes entries are MxNxK, got '4x4'.")]
    [InlineData("model --batch 0", "--batch must be a positive integer, got 0.")]
    [InlineData("model --model resnet9", "--model: ModelPresets: unknown model 'resnet9'")]
    public void BadOptionsAreUserErrors(string args, string message)
    {
        var e = Assert.Throws<UserErrorException>(() => Invoke(args.Split(' ')));
        Assert.StartsWith(message, e.Message);
    }

    [Fact]
    public void MeasurementMediansAreConsistent()
    {
        var g = QuantizationBenchmark.MeasureGemm(3, 20, 11, threads: 1, repeat: 3, minSeconds: 0.001);
        Assert.True(g.Gemm.Float32Seconds > 0 && g.Gemm.Int8Seconds > 0 && g.Gemm.Ratio > 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => QuantizationBenchmark.MeasureGemm(1, 1, 1, 0, 1, 0.001));
    }
}

using System.Text.Json;
using Descent.Cli.Bench;

namespace Descent.Tests.Cli;

public class BenchTrainCommandTests
{
    [Fact]
    public void PrintsOneJsonLineWithTheDocumentedFields()
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        int code = TrainBench.Run(["--model", "mlp", "--batch", "128", "--steps", "3", "--warmup", "2", "--warmup-seconds", "0",
            "--threads", "1", "--json"], output, errors);
        Assert.True(code == 0, errors.ToString());
        var row = JsonDocument.Parse(output.ToString()).RootElement;
        Assert.Equal("mlp", row.GetProperty("model").GetString());
        Assert.Equal(128, row.GetProperty("batch").GetInt32());
        Assert.Equal(1, row.GetProperty("threads").GetInt32());
        Assert.Equal(3, row.GetProperty("steps").GetInt32());
        Assert.True(row.GetProperty("samples_per_sec").GetDouble() > 0);
        Assert.True(row.GetProperty("alloc_bytes_per_step").GetDouble() >= 0);
        double accuracy = row.GetProperty("test_accuracy").GetDouble();
        Assert.InRange(accuracy, 0.0, 1.0);
    }

    [Fact]
    public void BadOptionsAreOneLineUserErrors()
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        Assert.Equal(1, TrainBench.Run(["--model", "resnet"], output, errors));
        Assert.Contains("unknown model 'resnet'", errors.ToString());
        Assert.Equal(1, TrainBench.Run(["--model", "mlp", "--epochs", "2", "--steps", "5"], output, errors));
        Assert.Equal(1, TrainBench.Run(["--model", "mlp", "--schedule", "cosine"], output, errors));
        Assert.Contains("needs --epochs", errors.ToString());
        Assert.Equal(1, TrainBench.Run(["--batch", "64"], output, errors));
        Assert.Contains("--model is required", errors.ToString());
    }
}

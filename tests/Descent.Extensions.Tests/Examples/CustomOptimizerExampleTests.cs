using Descent.Examples.CustomOptimizer;

namespace Descent.Extensions.Tests.Examples;

/// <summary>Runs examples/CustomOptimizer and checks what it prints and returns.</summary>
public class CustomOptimizerExampleTests
{
    [Fact]
    public void TheExampleTrainsCrashesAndResumesExactly()
    {
        var output = new StringWriter();
        var r = Program.Run(output, []);
        var text = output.ToString();

        Assert.StartsWith("gradcheck Squareplus (float64, elementwise and inside a broadcast product): passed", text);
        Assert.Contains("1 (ReZeroBlock)", text);
        Assert.Contains("interrupted: simulated crash after step 25", text);
        Assert.Contains("resuming from last.ckpt: step 20, epoch 2, batch 4", text);
        Assert.Contains("resumed vs uninterrupted: 9 weight tensors bit-identical, epoch losses identical", text);

        Assert.True(r.WeightsIdentical);
        Assert.True(r.LossesIdentical);
        Assert.Equal(20, r.ResumedFromStep);
        Assert.Equal(r.Uninterrupted.Series("loss"), r.Resumed.Series("loss"));
        var loss = r.Uninterrupted.Series("loss");
        Assert.True(loss[^1] < loss[0] * 0.6, $"loss {loss[0]} → {loss[^1]}");
        Assert.True(r.TestAccuracy > 0.6, $"test accuracy {r.TestAccuracy}");
    }
}

namespace Descent.Tests.Examples;

/// <summary>Runs each seed-text example program (examples/*) and checks that it does what the text says.</summary>
public class SeedExamplesTests
{
    [Fact]
    public void MlpWithSgdAndMseLearnsTheRandomRegression()
    {
        var output = new StringWriter();
        var losses = Descent.Examples.MlpRegression.Program.Run(output, []);
        Assert.Equal(100, losses.Length);
        Assert.StartsWith("Epoch 1, Loss: ", output.ToString());
        Assert.Contains("Epoch 100, Loss: ", output.ToString());
        Assert.True(losses[^1] < losses[0] / 5, $"loss {losses[0]} → {losses[^1]}");
        Assert.True(losses[^1] < losses[49]);
    }

    [Fact]
    public void AdamFollowsKerasStaircaseExponentialDecay()
    {
        var r = Descent.Examples.AdamExponentialDecay.Program.Run(TextWriter.Null, []);
        // lr(step) = 0.1 · 0.96^⌊step / 1000⌋ (Keras ExponentialDecay with staircase=True).
        foreach (int step in new[] { 0, 999, 1000, 1999, 2000, 2999 })
            Assert.Equal(0.1 * Math.Pow(0.96, step / 1000), r.LearningRates[step], 12);
        Assert.Equal(0.096, r.LearningRates[1000], 12);
        double first = r.Losses.Take(8).Average(), last = r.Losses.TakeLast(200).Average();
        Assert.True(last < first / 20, $"loss {first} → {last}");
    }

    [Fact]
    public void BatchNormMlpClassifiesFashionMnist()
    {
        var output = new StringWriter();
        var r = Descent.Examples.FashionBatchNorm.Program.Run(output, ["1"]);
        Assert.True(r.TestAccuracy > 0.75, $"test accuracy {r.TestAccuracy}");
        Assert.Equal(1.0, r.FirstTestProbabilities.Sum(), 5);
        Assert.Contains("test accuracy", output.ToString());
    }

    [Fact]
    public void SigmoidBinaryClassifierWithBceAndAdamLearnsTheRule()
    {
        var r = Descent.Examples.BinaryClassifier.Program.Run(TextWriter.Null, []);
        Assert.Equal(1000, r.History.Epochs.Count);
        var loss = r.History.Series("loss");
        Assert.True(loss[^1] < loss[0] / 3, $"loss {loss[0]} → {loss[^1]}");
        Assert.True(r.TestAccuracy >= 0.85, $"held-out accuracy {r.TestAccuracy}");
    }

    [Fact]
    public void LinearRegressionRecoversWeightAndBias()
    {
        var output = new StringWriter();
        var r = Descent.Examples.LinearRegression.Program.Run(output, []);
        Assert.Equal(2.0, r.Weight, 3);
        Assert.Equal(2.0, r.Bias, 3);
        Assert.True(r.Loss < 1e-6);
        Assert.Contains("learned y = 2.0000x + 2.0000", output.ToString());
    }
}

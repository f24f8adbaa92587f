using Descent.Tensors;
using Descent.Training.Metrics;

namespace Descent.Tests.Training;

public class MetricsTests
{
    private static Tensor Scores(double[,] s) => Tensor.FromArray(s);
    private static Tensor Classes(params long[] c) => Tensor.FromArray(c, c.Length);

    [Fact]
    public void AccuracyIsStreamingOverBatches()
    {
        var m = new Accuracy();
        m.Update(Scores(new double[,] { { 0.1, 0.9 }, { 0.8, 0.2 } }), Classes(1, 1));
        m.Update(Scores(new double[,] { { 0.3, 0.7 } }), Classes(1));
        Assert.Equal(2.0 / 3, m.Compute(), 12);
        m.Reset();
        Assert.True(double.IsNaN(m.Compute()));
    }

    [Fact]
    public void BinaryAccuracyUsesTheThreshold()
    {
        var m = new Accuracy();
        m.Update(Tensor.FromArray([0.7, 0.2, 0.6], 3, 1), Tensor.FromArray([1.0, 0, 0], 3, 1));
        Assert.Equal(2.0 / 3, m.Compute(), 12);
        var logits = new Accuracy { Threshold = 0 };
        logits.Update(Tensor.FromArray([2.0, -1], 2), Tensor.FromArray([1.0, 0], 2));
        Assert.Equal(1, logits.Compute());
    }

    [Fact]
    public void OneHotTargetsWork()
    {
        var m = new Accuracy();
        m.Update(Scores(new double[,] { { 0.1, 0.9 }, { 0.8, 0.2 } }), Scores(new double[,] { { 0, 1 }, { 0, 1 } }));
        Assert.Equal(0.5, m.Compute());
    }

    [Fact]
    public void TopKCountsTiesByIndex()
    {
        var m = new TopKAccuracy(2);
        m.Update(Scores(new double[,] { { 0.5, 0.3, 0.2 }, { 0.4, 0.4, 0.2 }, { 0.1, 0.2, 0.7 } }), Classes(1, 1, 0));
        // row 0: class 1 is 2nd → hit; row 1: tie, class 1 ranks 2nd → hit; row 2: class 0 is 3rd → miss.
        Assert.Equal(2.0 / 3, m.Compute(), 12);
        Assert.Throws<ArgumentOutOfRangeException>(() => new TopKAccuracy(0));
    }

    [Fact]
    public void RegressionMetricsMatchDefinitions()
    {
        var p = Tensor.FromArray([2.5, 0.0, 2, 8], 4);
        var y = Tensor.FromArray([3.0, -0.5, 2, 7], 4);
        var mae = new MeanAbsoluteError();
        var rmse = new RootMeanSquaredError();
        var r2 = new R2Score();
        foreach (var m in new IMetric[] { mae, rmse, r2 }) m.Update(p, y);
        Assert.Equal(0.5, mae.Compute(), 12);
        Assert.Equal(Math.Sqrt(0.375), rmse.Compute(), 12);
        Assert.Equal(0.9486081370449679, r2.Compute(), 12);   // scikit-learn's documented example
    }

    [Fact]
    public void ConfusionMatrixCountsPairs()
    {
        var cm = new ConfusionMatrix(3);
        cm.Update(Scores(new double[,] { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 1, 0 }, { 0, 0, 1 } }), Classes(0, 1, 2, 2));
        Assert.Equal(1, cm.Counts[2, 1]);
        Assert.Equal(0.75, cm.Accuracy());
        var e = Assert.Throws<ArgumentException>(() => cm.Update(Scores(new double[,] { { 1, 0, 0 } }), Classes(5)));
        Assert.Contains("target class 5 at row 0", e.Message);
    }

    [Fact]
    public void MismatchedBatchesAreNamed()
    {
        var e = Assert.Throws<ArgumentException>(() => new Accuracy().Update(Scores(new double[,] { { 1, 0 } }), Classes(0, 1)));
        Assert.Contains("accuracy: output [1, 2] and target [2]", e.Message);
    }
}

using Descent.Data;
using Descent.NN;
using Descent.Optim;
using Descent.Tensors;
using Descent.Training;
using Descent.Training.Callbacks;
using Descent.Training.Metrics;

namespace Descent.Extensions.Tests.Training.Metrics;

/// <summary>
/// A custom metric written outside the library (<see cref="IMetric"/>): the Trainer logs it for training and
/// validation, <see cref="Trainer.Evaluate"/> returns it, and callbacks can monitor it.
/// </summary>
public class CustomMetricTests
{
    /// <summary>The largest absolute error over the epoch (streaming: a running maximum).</summary>
    private sealed class MaxAbsError : IMetric
    {
        private double _max = double.NaN;

        public string Name => "max_abs_error";

        public bool HigherIsBetter => false;

        public void Reset() => _max = double.NaN;

        public void Update(Tensor output, Tensor target)
        {
            var (o, t) = (output.ToDoubleArray(), target.ToDoubleArray());
            if (o.Length != t.Length)
                throw new ArgumentException($"{Name}: output {output.Shape} and target {target.Shape} differ in size.");
            for (int i = 0; i < o.Length; i++)
                _max = double.IsNaN(_max) ? Math.Abs(o[i] - t[i]) : Math.Max(_max, Math.Abs(o[i] - t[i]));
        }

        public double Compute() => _max;
    }

    private static TensorDataset Data(long seed) => SyntheticData.LinearRegression(64, 3.0, -1.0, noise: 0.05, seed: seed, dtype: DType.Float64);

    [Fact]
    public void TheTrainerLogsEvaluatesAndMonitorsACustomMetric()
    {
        var model = new Linear(1, 1, dtype: DType.Float64, generator: new Generator(2));
        var stopping = new EarlyStopping(monitor: "val_max_abs_error", patience: 2, mode: MonitorMode.Min);
        var trainer = new Trainer(model, new MSELoss(), new Adam(model.Parameters(), new AdamOptions(lr: 0.1)),
            new TrainerOptions { Metrics = [() => new MaxAbsError()] }).With(stopping);
        var validation = new DataLoader(Data(2), 16);
        var history = trainer.Fit(new DataLoader(Data(1), 16, shuffle: true, seed: 3), validation, epochs: 30);

        var train = history.Series("max_abs_error");
        var val = history.Series("val_max_abs_error");
        Assert.DoesNotContain(double.NaN, train);
        Assert.True(val[^1] < val[0] / 3, $"val max error {val[0]} → {val[^1]}");

        var result = trainer.Evaluate(validation);
        var data = Data(2);
        double expected;
        using (Descent.Tensors.Autograd.GradMode.Disable())
            expected = (model.Call(data.Features) - data.Targets).Abs().ToDoubleArray().Max();
        Assert.Equal(expected, result.Metrics["max_abs_error"], 12);
        Assert.Equal(val[^1], result.Metrics["max_abs_error"], 12);
    }
}

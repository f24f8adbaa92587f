using System.Diagnostics;
using Descent.NN;
using Descent.Tensors;
using Descent.Tensors.Autograd;
using Descent.Training;

namespace Descent.Search.Architecture;

/// <summary>
/// Measures a candidate's cost when its training starts — parameters, MACs of one sample's forward pass
/// (<see cref="ModelComplexity"/>) and latency (milliseconds per sample of a forward pass of 32 samples in evaluation
/// mode, the median of five after one warm-up) — and adds them to every epoch's logs as <c>parameters</c>, <c>macs</c>
/// and <c>latency_ms</c>, so a study can optimize them beside accuracy and pruners see them like any metric.
/// </summary>
public sealed class ArchitectureCost : ICallback
{
    /// <summary>The metric names this callback logs.</summary>
    public static IReadOnlyList<string> Metrics { get; } = ["parameters", "macs", "latency_ms"];

    private const int LatencyBatch = 32;

    /// <summary>Parameter count (0 before training starts).</summary>
    public long Parameters { get; private set; }

    /// <summary>MACs of one sample's forward pass.</summary>
    public long Macs { get; private set; }

    /// <summary>Milliseconds per sample of a forward pass of 32 samples.</summary>
    public double LatencyMs { get; private set; }

    /// <inheritdoc/>
    public void OnTrainBegin(TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var model = context.Model;
        var shape = context.TrainLoader.Dataset.FeatureShape.ToArray();
        Parameters = model.ParameterCount;
        Macs = ModelComplexity.Measure(model, shape).Macs;
        LatencyMs = Latency(model, shape);
    }

    /// <inheritdoc/>
    public void OnEpochEnd(TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.EpochLogs["parameters"] = Parameters;
        context.EpochLogs["macs"] = Macs;
        context.EpochLogs["latency_ms"] = LatencyMs;
    }

    private static double Latency(Module model, int[] shape)
    {
        bool training = model.Training;
        model.Eval();
        try
        {
            using var noGrad = GradMode.Disable();
            var dtype = model.Parameters().FirstOrDefault()?.DType ?? DType.Float32;
            var times = new double[6];
            for (int i = 0; i < times.Length; i++)
            {
                using var scope = StepScope.Begin();
                var input = Tensor.Zeros(new Shape([LatencyBatch, .. shape]), dtype);
                long t0 = Stopwatch.GetTimestamp();
                model.Call(input);
                times[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds / LatencyBatch;
            }
            return times.Skip(1).Order().ElementAt(2);
        }
        finally
        {
            model.Train(training);
        }
    }
}

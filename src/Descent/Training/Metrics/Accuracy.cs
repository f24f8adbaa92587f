using Descent.Tensors;

namespace Descent.Training.Metrics;

/// <summary>
/// Fraction of correct predictions. Multi-class: output [B, C] scores vs class indices [B] (or one-hot [B, C]);
/// binary: output [B] or [B, 1] compared with <see cref="Threshold"/> (Keras' binary accuracy; use 0 for logits).
/// </summary>
public sealed class Accuracy : IMetric
{
    private long _correct, _total;

    /// <summary>Decision threshold for single-output (binary) models.</summary>
    public double Threshold { get; init; } = 0.5;

    /// <inheritdoc/>
    public string Name => "accuracy";

    /// <inheritdoc/>
    public bool HigherIsBetter => true;

    /// <inheritdoc/>
    public void Reset() => (_correct, _total) = (0, 0);

    /// <inheritdoc/>
    public void Update(Tensor output, Tensor target)
    {
        int b = MetricInputs.BatchSize(Name, output, target);
        int classes = output.Rank >= 2 ? output.Numel / Math.Max(b, 1) : 1;
        for (int i = 0; i < b; i++)
        {
            bool ok;
            if (classes == 1)
            {
                bool predicted = MetricInputs.At(output, i) > Threshold;
                bool actual = target.GetDouble(i) > 0.5;
                ok = predicted == actual;
            }
            else
            {
                ok = MetricInputs.ArgMaxRow(output, i, classes) == MetricInputs.TargetClass(target, i, classes);
            }
            if (ok) _correct++;
        }
        _total += b;
    }

    /// <inheritdoc/>
    public double Compute() => _total == 0 ? double.NaN : (double)_correct / _total;

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, double>? StateDict() => MetricState.Counts(_correct, _total);

    /// <inheritdoc/>
    public void LoadStateDict(IReadOnlyDictionary<string, double> state) => (_correct, _total) = MetricState.ReadCounts(Name, state);
}

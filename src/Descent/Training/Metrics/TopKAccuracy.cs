using Descent.Tensors;

namespace Descent.Training.Metrics;

/// <summary>Fraction of samples whose true class is among the <see cref="K"/> highest scores (ties broken by lower index).</summary>
public sealed class TopKAccuracy : IMetric
{
    private long _correct, _total;

    /// <summary>Creates the metric for the top <paramref name="k"/> classes.</summary>
    public TopKAccuracy(int k)
    {
        if (k < 1) throw new ArgumentOutOfRangeException(nameof(k), k, "top-k accuracy: k must be at least 1.");
        K = k;
    }

    /// <summary>Number of top classes that count as a hit.</summary>
    public int K { get; }

    /// <inheritdoc/>
    public string Name => $"top{K}_accuracy";

    /// <inheritdoc/>
    public bool HigherIsBetter => true;

    /// <inheritdoc/>
    public void Reset() => (_correct, _total) = (0, 0);

    /// <inheritdoc/>
    public void Update(Tensor output, Tensor target)
    {
        int b = MetricInputs.BatchSize(Name, output, target);
        if (output.Rank != 2) throw new ArgumentException($"{Name}: expected output [batch, classes], got {output.Shape}.");
        int classes = output.Shape[1];
        for (int i = 0; i < b; i++)
        {
            long t = MetricInputs.TargetClass(target, i, classes);
            if (t < 0 || t >= classes) throw new ArgumentException($"{Name}: target class {t} at row {i} is outside 0..{classes - 1}.");
            double score = MetricInputs.At(output, i * classes + (int)t);
            // Rank of the true class: how many classes beat it (higher score, or equal score at a lower index).
            int better = 0;
            for (int c = 0; c < classes && better < K; c++)
            {
                double v = MetricInputs.At(output, i * classes + c);
                if (v > score || (v == score && c < t)) better++;
            }
            if (better < K) _correct++;
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

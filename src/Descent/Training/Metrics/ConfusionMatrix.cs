using Descent.Tensors;

namespace Descent.Training.Metrics;

/// <summary>Counts of (true class, predicted class) pairs for a classifier with <see cref="Classes"/> classes.</summary>
public sealed class ConfusionMatrix
{
    /// <summary>Creates an empty matrix.</summary>
    public ConfusionMatrix(int classes)
    {
        if (classes < 1) throw new ArgumentOutOfRangeException(nameof(classes), classes, "confusion matrix: at least one class.");
        Classes = classes;
        Counts = new long[classes, classes];
    }

    /// <summary>Number of classes.</summary>
    public int Classes { get; }

    /// <summary>Counts[true, predicted].</summary>
    public long[,] Counts { get; }

    /// <summary>Adds a batch of scores [B, C] and targets.</summary>
    public void Update(Tensor output, Tensor target)
    {
        int b = MetricInputs.BatchSize("confusion matrix", output, target);
        if (output.Rank != 2 || output.Shape[1] != Classes)
            throw new ArgumentException($"confusion matrix: expected output [batch, {Classes}], got {output.Shape}.");
        for (int i = 0; i < b; i++)
        {
            long t = MetricInputs.TargetClass(target, i, Classes);
            if (t < 0 || t >= Classes) throw new ArgumentException($"confusion matrix: target class {t} at row {i} is outside 0..{Classes - 1}.");
            Counts[t, MetricInputs.ArgMaxRow(output, i, Classes)]++;
        }
    }

    /// <summary>Overall accuracy (trace / total).</summary>
    public double Accuracy()
    {
        long diag = 0, total = 0;
        for (int r = 0; r < Classes; r++)
            for (int c = 0; c < Classes; c++) { total += Counts[r, c]; if (r == c) diag += Counts[r, c]; }
        return total == 0 ? double.NaN : (double)diag / total;
    }
}

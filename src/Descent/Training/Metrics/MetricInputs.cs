using Descent.Tensors;

namespace Descent.Training.Metrics;

/// <summary>Reads outputs and targets of any supported dtype as doubles, with shape checks naming the metric.</summary>
internal static class MetricInputs
{
    /// <summary>Element <paramref name="i"/> of a float tensor as double.</summary>
    public static double At(Tensor t, int i) => t.DType == DType.Float32 ? t.Span<float>()[i] : t.GetDouble(i);

    /// <summary>
    /// Class index of sample <paramref name="row"/>: from an int64 [B] target, or the argmax of a [B, C]
    /// one-hot/probability target.
    /// </summary>
    public static long TargetClass(Tensor target, int row, int classes)
    {
        if (target.Rank == 1) return target.DType == DType.Int64 ? target.Span<long>()[row] : (long)target.GetDouble(row);
        return ArgMaxRow(target, row, classes);
    }

    /// <summary>Index of the largest value in row <paramref name="row"/> of a [B, C] tensor (first on ties; NaN wins, as torch.argmax).</summary>
    public static int ArgMaxRow(Tensor t, int row, int classes)
    {
        int best = 0;
        double bestV = double.NegativeInfinity;
        for (int c = 0; c < classes; c++)
        {
            double v = At(t, row * classes + c);
            if (double.IsNaN(v)) return c;
            if (v > bestV) { bestV = v; best = c; }
        }
        return best;
    }

    /// <summary>Checks that output and target hold the same number of samples.</summary>
    public static int BatchSize(string metric, Tensor output, Tensor target)
    {
        int b = output.Rank == 0 ? 1 : output.Shape[0];
        int tb = target.Rank == 0 ? 1 : target.Shape[0];
        if (b != tb)
            throw new ArgumentException($"{metric}: output {output.Shape} and target {target.Shape} have different batch sizes.");
        return b;
    }
}

using Descent.Tensors;

namespace Descent.Data;

/// <summary>Helpers over any <see cref="IDataset"/>: class labels, class counts, materializing to tensors.</summary>
public static class DatasetExtensions
{
    private const int Chunk = 1024;

    /// <summary>
    /// The class id of every sample, in order. Requires Int64 scalar targets (a classification dataset).
    /// </summary>
    public static long[] Labels(this IDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (dataset.TargetDType != DType.Int64 || dataset.TargetShape.Rank != 0)
            throw new InvalidOperationException(
                $"Labels: needs int64 class-id targets of shape [], this dataset has {dataset.TargetDType.TorchName()} targets {dataset.TargetShape}.");
        if (dataset is TensorDataset td)
            return td.Targets.ToArray<long>();
        if (dataset is Subset sub)
        {
            // Map the parent's labels rather than gathering every feature of the subset.
            var parent = sub.Parent.Labels();
            var mapped = new long[sub.Count];
            for (int i = 0; i < mapped.Length; i++) mapped[i] = parent[sub.Indices[i]];
            return mapped;
        }
        var (_, targets) = dataset.ToTensors();
        return targets.ToArray<long>();
    }

    /// <summary>Number of samples of each class 0..max label (requires Int64 class-id targets).</summary>
    public static int[] ClassCounts(this IDataset dataset)
    {
        var labels = dataset.Labels();
        long max = -1;
        foreach (long l in labels)
        {
            if (l < 0)
                throw new InvalidOperationException($"ClassCounts: negative class id {l}.");
            max = Math.Max(max, l);
        }
        var counts = new int[max + 1];
        foreach (long l in labels) counts[l]++;
        return counts;
    }

    /// <summary>
    /// All samples gathered into two new tensors, <c>[N, ..FeatureShape]</c> and <c>[N, ..TargetShape]</c>
    /// (a copy; for a <see cref="TensorDataset"/> prefer its <see cref="TensorDataset.Features"/>).
    /// </summary>
    public static (Tensor Features, Tensor Targets) ToTensors(this IDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        int n = dataset.Count;
        var features = Tensor.Zeros(BatchShape(n, dataset.FeatureShape), dataset.FeatureDType);
        var targets = Tensor.Zeros(BatchShape(n, dataset.TargetShape), dataset.TargetDType);
        var indices = new int[Math.Min(Chunk, Math.Max(n, 1))];
        for (int start = 0; start < n; start += Chunk)
        {
            int len = Math.Min(Chunk, n - start);
            for (int i = 0; i < len; i++) indices[i] = start + i;
            dataset.GetBatch(indices.AsSpan(0, len), features.Narrow(0, start, len), targets.Narrow(0, start, len));
        }
        return (features, targets);
    }

    /// <summary>The shape <c>[batch, ..sample]</c>.</summary>
    internal static Shape BatchShape(int batch, Shape sample)
    {
        var dims = new int[sample.Rank + 1];
        dims[0] = batch;
        sample.Dims.CopyTo(dims.AsSpan(1));
        return Shape.Wrap(dims);
    }
}

using Descent.Tensors;

namespace Descent.Data;

/// <summary>Argument checks shared by the datasets (messages name the dataset and the shapes).</summary>
internal static class DatasetChecks
{
    /// <summary>Throws unless <paramref name="index"/> is in [0, count).</summary>
    public static void Index(string owner, int index, int count)
    {
        if ((uint)index >= (uint)count)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"{owner}: index {index} is out of range for {count} samples.");
    }

    /// <summary>Throws unless the batch tensors have the dataset's dtypes and the shapes [B, ..sample].</summary>
    public static void Batch(IDataset dataset, string owner, int batch, Tensor features, Tensor targets)
    {
        Check(owner, "features", batch, dataset.FeatureShape, dataset.FeatureDType, features);
        Check(owner, "targets", batch, dataset.TargetShape, dataset.TargetDType, targets);
    }

    private static void Check(string owner, string what, int batch, Shape sample, DType dtype, Tensor t)
    {
        bool ok = t.DType == dtype && t.Rank == sample.Rank + 1 && t.Shape[0] == batch;
        for (int d = 0; ok && d < sample.Rank; d++)
            ok = t.Shape.Dims[d + 1] == sample.Dims[d];
        if (!ok)
        {
            var expected = new int[sample.Rank + 1];
            expected[0] = batch;
            sample.Dims.CopyTo(expected.AsSpan(1));
            throw new ArgumentException(
                $"{owner}.GetBatch: {what} buffer is {t.DType.TorchName()} {t.Shape}, expected {dtype.TorchName()} {Shape.Format(expected)}.");
        }
    }

    /// <summary>Throws if <paramref name="t"/> lives in a step scope (a dataset must outlive every step).</summary>
    public static void LongLived(string owner, string what, Tensor t)
    {
        if (t.Storage.IsPooled)
            throw new ArgumentException(
                $"{owner}: the {what} tensor was created inside a StepScope and would be recycled when the step ends; " +
                "create dataset tensors outside any scope (or inside StepScope.Suspend()).");
    }
}

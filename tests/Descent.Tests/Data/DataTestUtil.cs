using Descent.Data;
using Descent.Tensors;

namespace Descent.Tests.Data;

/// <summary>Small datasets whose features reveal the sample index, so tests can see which samples a batch holds.</summary>
internal static class DataTestUtil
{
    /// <summary>Features [N, 3] = (i, i + 0.5, −i); targets [N] = i mod classes.</summary>
    public static TensorDataset Indexed(int n, int classes = 7)
    {
        var x = new float[n * 3];
        var y = new long[n];
        for (int i = 0; i < n; i++)
        {
            x[3 * i] = i;
            x[3 * i + 1] = i + 0.5f;
            x[3 * i + 2] = -i;
            y[i] = i % classes;
        }
        return new TensorDataset(Tensor.FromArray(x, n, 3), Tensor.FromArray(y, n));
    }

    /// <summary>The sample indices held by a batch of <see cref="Indexed"/>.</summary>
    public static int[] IndicesOf(Tensor features)
    {
        int b = features.Shape[0], width = features.Numel / Math.Max(b, 1);
        var v = features.ToFloatArray();
        var result = new int[b];
        for (int i = 0; i < b; i++) result[i] = (int)v[i * width];
        return result;
    }

    /// <summary>All sample indices of an epoch, batch by batch.</summary>
    public static List<int[]> EpochIndices(DataLoader loader, int epoch, int start = 0)
    {
        var batches = new List<int[]>();
        foreach (var (x, _) in loader.Epoch(epoch, start))
            batches.Add(IndicesOf(x));
        return batches;
    }

    /// <summary>A new empty temporary directory.</summary>
    public static string TempDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "descent-data-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }
}

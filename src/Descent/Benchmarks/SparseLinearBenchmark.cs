using Descent.Compression.Pruning;
using Descent.Compression.Pruning.Unstructured;
using Descent.Compression.Pruning.Sparse;
using Descent.Kernels;
using Descent.NN;
using Descent.Tensors;
using Descent.Tensors.Autograd;

namespace Descent.Benchmarks;

/// <summary>A dense Linear against its sparse form at one sparsity and batch size.</summary>
/// <param name="Sparsity">Fraction of the weights pruned (L1, unstructured).</param>
/// <param name="Batch">Rows per forward pass.</param>
/// <param name="DenseSeconds">Median seconds per forward pass of the (masked) dense Linear.</param>
/// <param name="SparseSeconds">Median seconds per forward pass of the <see cref="SparseLinear"/>.</param>
/// <param name="Speedup">Median over the repetitions of dense time / sparse time (above 1: sparse is faster).</param>
public sealed record SparsePoint(double Sparsity, int Batch, double DenseSeconds, double SparseSeconds, double Speedup);

/// <summary>The sweep of one layer shape and where sparse starts to win at each batch size.</summary>
/// <param name="OutFeatures">Layer outputs.</param>
/// <param name="InFeatures">Layer inputs.</param>
/// <param name="Threads">Worker threads.</param>
/// <param name="Points">Every (sparsity, batch) measured.</param>
/// <param name="Crossover">Per batch size, the lowest measured sparsity from which the sparse layer is faster at every
/// higher measured sparsity, or null when it never is.</param>
public sealed record SparseSweep(int OutFeatures, int InFeatures, int Threads, IReadOnlyList<SparsePoint> Points, IReadOnlyDictionary<int, double?> Crossover);

/// <summary>
/// Measurement code of <c>descent bench prune</c>: a Linear pruned to each sparsity (L1, then the mask baked in) and
/// its <see cref="SparseLinear"/> form, each forward pass timed alternately with the other (<see cref="AlternatingTimer"/>),
/// float32, random weights and inputs, autograd off.
/// </summary>
public static class SparseLinearBenchmark
{
    /// <summary>The sparsities the benchmark measures by default (50–99%).</summary>
    public static IReadOnlyList<double> DefaultSparsities { get; } = [0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.99];

    /// <summary>The batch sizes the benchmark measures by default.</summary>
    public static IReadOnlyList<int> DefaultBatches { get; } = [1, 8, 64, 256];

    /// <summary>Measures every sparsity × batch of one layer shape; <paramref name="progress"/> sees each point as it is measured.</summary>
    public static SparseSweep Sweep(int outFeatures, int inFeatures, IReadOnlyList<double> sparsities, IReadOnlyList<int> batches, int threads,
        int repeat, double minSeconds, Action<SparsePoint>? progress = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(outFeatures, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(inFeatures, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        foreach (double s in sparsities)
            if (!(s >= 0 && s < 1)) throw new ArgumentOutOfRangeException(nameof(sparsities), s, "sparsities are in [0, 1).");
        foreach (int b in batches) ArgumentOutOfRangeException.ThrowIfLessThan(b, 1, nameof(batches));
        using var scope = ParallelFor.OverrideThreads(threads);
        var points = new List<SparsePoint>();
        foreach (double sparsity in sparsities)
        {
            var dense = new Linear(inFeatures, outFeatures, generator: new Generator(11));
            UnstructuredPruning.L1(dense, "weight", PruneAmount.Fraction(sparsity));
            UnstructuredPruning.RemoveAll(dense);
            dense.Eval();
            var sparse = SparseLinear.FromLinear(dense);
            foreach (int batch in batches)
            {
                var x = Tensor.Rand(new Shape(batch, inFeatures), generator: new Generator(12));
                var c = AlternatingTimer.Compare(() => Forward(dense, x), () => Forward(sparse, x), threads, repeat, minSeconds);
                var point = new SparsePoint(sparsity, batch, c.Float32Seconds, c.Int8Seconds, c.Ratio);
                points.Add(point);
                progress?.Invoke(point);
            }
        }
        return new SparseSweep(outFeatures, inFeatures, threads, points, Crossovers(points));
    }

    /// <summary>
    /// Per batch size, the lowest sparsity from which every measured point at that or a higher sparsity has a speed-up
    /// above 1 (null when the highest one has not).
    /// </summary>
    public static IReadOnlyDictionary<int, double?> Crossovers(IReadOnlyList<SparsePoint> points)
    {
        var result = new SortedDictionary<int, double?>();
        foreach (var group in points.GroupBy(p => p.Batch))
        {
            double? from = null;
            foreach (var p in group.OrderByDescending(p => p.Sparsity))
            {
                if (p.Speedup <= 1) break;
                from = p.Sparsity;
            }
            result[group.Key] = from;
        }
        return result;
    }

    private static void Forward(Module layer, Tensor x)
    {
        using var noGrad = GradMode.Disable();
        using var step = StepScope.Begin();
        layer.Call(x);
    }
}

using Descent.Kernels;
using Descent.Kernels.Sparse;

namespace Descent.Tests.Kernels.Sparse;

/// <summary>
/// The CSR Linear kernel against a dense float64 reference Σ_k W[o,k]·x[b,k] + bias[o] on every SIMD path: batches on
/// both sides of the gather/panel switch and across panel widths (1–4 vectors, several panels), rows with 0, 1, 15,
/// 16, 17 and many entries (the 16-entry padding), sparsities from 0 to 1, with and without bias, one and two threads.
/// </summary>
[Trait("Category", "Kernels")]
[Collection("KernelConfig")]
public class SparseLinearKernelTests
{
    private static readonly int[] Batches = [1, 2, 3, 4, 5, 8, 9, 16, 17, 33, 64, 65, 130];

    public static TheoryData<SimdLevel> Levels()
    {
        var data = new TheoryData<SimdLevel>();
        foreach (var level in KernelTestSupport.Levels()) data.Add(level);
        return data;
    }

    [Theory]
    [MemberData(nameof(Levels))]
    public void Float32MatchesTheDenseProduct(SimdLevel level) => Sweep<float>(level, 1e-5);

    [Theory]
    [MemberData(nameof(Levels))]
    public void Float64MatchesTheDenseProduct(SimdLevel level) => Sweep<double>(level, 1e-13);

    private static void Sweep<T>(SimdLevel level, double tolerance) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        using var _ = KernelConfig.Force(level);
        int h = 0;
        foreach (int batch in Batches)
            foreach (var (rows, cols) in new[] { (1, 1), (7, 3), (33, 40), (70, 129) })
                foreach (double sparsity in new[] { 0.0, 0.5, 0.9, 0.99, 1.0 })
                {
                    h++;
                    if (h % 2 == 0 && batch > 17) continue;
                    var rng = new Random(h);
                    var w = new double[rows * cols];
                    for (int i = 0; i < w.Length; i++) w[i] = rng.NextDouble() < sparsity ? 0 : rng.NextDouble() * 2 - 1;
                    var x = new double[batch * cols];
                    for (int i = 0; i < x.Length; i++) x[i] = rng.NextDouble() * 2 - 1;
                    double[] bias = h % 3 == 0 ? [] : Enumerable.Range(0, rows).Select(_ => rng.NextDouble()).ToArray();
                    var csr = CsrMatrix<T>.FromDense(Convert<T>(w), rows, cols);
                    var y = new T[batch * rows];
                    using (ParallelFor.OverrideThreads(h % 4 == 0 ? 2 : 1))
                        SparseLinearKernels.Forward(csr, Convert<T>(x), batch, Convert<T>(bias), y);
                    for (int b = 0; b < batch; b++)
                        for (int o = 0; o < rows; o++)
                        {
                            double expected = bias.Length > 0 ? bias[o] : 0, scale = Math.Abs(expected);
                            for (int k = 0; k < cols; k++)
                            {
                                expected += w[o * cols + k] * x[b * cols + k];
                                scale += Math.Abs(w[o * cols + k] * x[b * cols + k]);
                            }
                            double actual = double.CreateChecked(y[b * rows + o]);
                            Assert.True(Math.Abs(actual - expected) <= tolerance * (scale + 1),
                                $"{level} {typeof(T).Name} batch={batch} {rows}x{cols} sparsity={sparsity} y[{b},{o}] = {actual}, expected {expected}");
                        }
                }
    }

    [Fact]
    public void RowsArePaddedToSixteenAndRoundTrip()
    {
        var dense = new float[3 * 40];
        for (int c = 0; c < 17; c++) dense[c] = c + 1;         // row 0: 17 entries → 32 stored
        dense[40 + 39] = -2;                                     // row 1: 1 entry → 16 stored; row 2 empty
        var m = CsrMatrix<float>.FromDense(dense, 3, 40);
        Assert.Equal([0, 32, 48, 48], m.RowStarts);
        Assert.Equal([17, 1, 0], m.RowCounts);
        Assert.Equal(18, m.NonZeros);
        Assert.Equal(1 - 18 / 120.0, m.Sparsity, 12);
        Assert.All(m.Values.Skip(17).Take(15), v => Assert.Equal(0f, v));
        Assert.All(m.ColumnIndices.Skip(33).Take(15), c => Assert.Equal(39, c));
        Assert.Equal(dense, m.ToDense());
        var again = CsrMatrix<float>.FromParts(3, 40, m.RowStarts, m.RowCounts, m.ColumnIndices, m.Values);
        Assert.Equal(dense, again.ToDense());
    }

    [Fact]
    public void RefusesInconsistentArraysAndShapes()
    {
        var m = CsrMatrix<float>.FromDense(new float[] { 1, 0, 0, 2 }, 2, 2);
        var bad = (int[])m.ColumnIndices.Clone();
        bad[0] = 2;
        Assert.Contains("column index 2", Assert.Throws<ArgumentException>(() =>
            CsrMatrix<float>.FromParts(2, 2, m.RowStarts, m.RowCounts, bad, m.Values)).Message);
        Assert.Contains("padded", Assert.Throws<ArgumentException>(() =>
            CsrMatrix<float>.FromParts(2, 2, m.RowStarts, [17, 1], m.ColumnIndices, m.Values)).Message);
        Assert.Contains("expected batch 2 × in 2", Assert.Throws<ArgumentException>(() =>
            SparseLinearKernels.Forward(m, new float[3], 2, default, new float[4])).Message);
        Assert.Contains("expected out 2", Assert.Throws<ArgumentException>(() =>
            SparseLinearKernels.Forward(m, new float[4], 2, new float[3], new float[4])).Message);
    }

    private static T[] Convert<T>(double[] values) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> =>
        Array.ConvertAll(values, T.CreateChecked);
}

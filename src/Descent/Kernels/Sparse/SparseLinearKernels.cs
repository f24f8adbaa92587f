using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Descent.Kernels.Sparse;

/// <summary>
/// y[b, o] = Σ_k W[o, k]·x[b, k] + bias[o] with W in <see cref="CsrMatrix{T}"/> form: the forward pass of a sparse
/// Linear (x [batch × in], y [batch × out], row-major like <c>Tensor.Linear</c>). Work and weight traffic are
/// proportional to the non-zeros, so at high sparsity it beats the dense GEMM that multiplies the zeros too.
/// <list type="bullet">
/// <item>Batches below <see cref="GatherBelow"/>: one dot product per (sample, output) over the row's entries, the x
/// values fetched with vector gathers (a 16-entry padded row means no scalar tail).</item>
/// <item>Larger batches: x is transposed into panels xᵀ [in × up to 4 vectors of samples] (zero-padded to whole
/// vectors), and every stored entry W[o, k] does a broadcast multiply-add of row k of the panel into the output row's
/// accumulators: an SpMM whose inner loop is dense vector work with unit stride. Two interleaved accumulator sets
/// (even and odd entries) hide the FMA latency.</item>
/// </list>
/// Output rows are split over <see cref="ParallelFor"/> in blocks. The scalar path (forced with
/// <see cref="KernelConfig.Force"/>) is the plain loop every vector path is tested against. The sum runs over the stored
/// entries only, so it differs from the dense product in rounding (summation order) and where x holds ±∞ or NaN
/// against a pruned weight (dense: 0·∞ = NaN; sparse: the term is absent).
/// </summary>
public static unsafe class SparseLinearKernels
{
    /// <summary>Batches below this size take the gather path, larger ones the transposed-panel path (measured crossover).</summary>
    public const int GatherBelow = 4;

    private const int RowBlock = 32;

    /// <summary>Computes y = x·Wᵀ + bias (<paramref name="bias"/> empty: no bias).</summary>
    public static void Forward<T>(CsrMatrix<T> weight, ReadOnlySpan<T> x, int batch, ReadOnlySpan<T> bias, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        int n = weight.Columns, m = weight.Rows;
        if (x.Length != (long)batch * n)
            throw new ArgumentException($"sparse linear: x has {x.Length} values, expected batch {batch} × in {n}.", nameof(x));
        if (y.Length != (long)batch * m)
            throw new ArgumentException($"sparse linear: y has {y.Length} values, expected batch {batch} × out {m}.", nameof(y));
        if (!bias.IsEmpty && bias.Length != m)
            throw new ArgumentException($"sparse linear: bias has {bias.Length} values, expected out {m}.", nameof(bias));
        if (batch == 0 || m == 0) return;
        fixed (T* px = x, py = y, pb = bias)
        fixed (T* values = weight.Values)
        fixed (int* cols = weight.ColumnIndices, starts = weight.RowStarts, counts = weight.RowCounts)
        {
            var a = new Args<T>(values, cols, starts, counts, m, n, px, batch, bias.IsEmpty ? null : pb, py);
            if (KernelConfig.UseVector512)
            {
                if (batch >= GatherBelow && batch <= SparseLanes256<T>.Count) Dispatch<T, SparseLanes256<T>>(a);
                else Dispatch<T, SparseLanes512<T>>(a);
            }
            else if (KernelConfig.UseVector256) Dispatch<T, SparseLanes256<T>>(a);
            else ParallelFor.Run(Blocks(m), new ScalarBody<T>(a));
        }
    }

    /// <summary>The plain loop: the forced-scalar path and the reference of the vector paths.</summary>
    private static void ScalarRows<T>(in Args<T> a, int row0, int row1) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int b = 0; b < a.Batch; b++)
        {
            T* xb = a.X + (long)b * a.In;
            T* yb = a.Y + (long)b * a.Out;
            for (int o = row0; o < row1; o++)
            {
                T acc = T.Zero;
                for (int e = a.Starts[o], end = e + a.Counts[o]; e < end; e++) acc += a.Values[e] * xb[a.Cols[e]];
                yb[o] = a.Bias is null ? acc : acc + a.Bias[o];
            }
        }
    }

    private static void Dispatch<T, TV>(in Args<T> a) where T : unmanaged, IFloatingPointIeee754<T> where TV : unmanaged, ISparseLanes<TV, T>
    {
        if (a.Batch < GatherBelow)
        {
            ParallelFor.Run(Blocks(a.Out), new GatherBody<T, TV>(a));
            return;
        }
        int panel = 4 * TV.Count;
        int vectors = Math.Min(4, (a.Batch + TV.Count - 1) / TV.Count);
        int width = vectors * TV.Count;
        var buffer = ArrayPool<T>.Shared.Rent(a.In * width + TV.Count);
        try
        {
            fixed (T* xt = buffer)
            {
                for (int b0 = 0; b0 < a.Batch; b0 += panel)
                {
                    int samples = Math.Min(panel, a.Batch - b0);
                    int nv = (samples + TV.Count - 1) / TV.Count;
                    Transpose(a, b0, samples, nv * TV.Count, xt);
                    var p = new Panel<T>(a, xt, b0, samples);
                    switch (nv)
                    {
                        case 4: ParallelFor.Run(Blocks(a.Out), new PanelBody<T, TV, GemmD4>(p)); break;
                        case 3: ParallelFor.Run(Blocks(a.Out), new PanelBody<T, TV, GemmD3>(p)); break;
                        case 2: ParallelFor.Run(Blocks(a.Out), new PanelBody<T, TV, GemmD2>(p)); break;
                        default: ParallelFor.Run(Blocks(a.Out), new PanelBody<T, TV, GemmD1>(p)); break;
                    }
                }
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(buffer);
        }
    }

    // xt[k, j] = x[b0 + j, k] for j < samples, 0 up to width: the samples of one panel side by side per input feature.
    private static void Transpose<T>(in Args<T> a, int b0, int samples, int width, T* xt) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int k = 0; k < a.In; k++)
        {
            T* row = xt + (long)k * width;
            for (int j = samples; j < width; j++) row[j] = T.Zero;
        }
        for (int j = 0; j < samples; j++)
        {
            T* xs = a.X + (long)(b0 + j) * a.In;
            for (int k = 0; k < a.In; k++) xt[(long)k * width + j] = xs[k];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void GatherRows<T, TV>(in Args<T> a, int row0, int row1) where T : unmanaged, IFloatingPointIeee754<T>
        where TV : unmanaged, ISparseLanes<TV, T>
    {
        int c = TV.Count;
        for (int b = 0; b < a.Batch; b++)
        {
            T* xb = a.X + (long)b * a.In;
            T* yb = a.Y + (long)b * a.Out;
            for (int o = row0; o < row1; o++)
            {
                int e = a.Starts[o];
                // The padding to 16 entries makes the rounded-up count safe to read; its values are zero.
                int end = e + (a.Counts[o] + c - 1) / c * c;
                TV s0 = TV.Zero, s1 = TV.Zero;
                for (; e + 2 * c <= end; e += 2 * c)
                {
                    s0 = TV.Fma(TV.Load(a.Values + e), TV.Gather(xb, a.Cols + e), s0);
                    s1 = TV.Fma(TV.Load(a.Values + e + c), TV.Gather(xb, a.Cols + e + c), s1);
                }
                if (e < end) s0 = TV.Fma(TV.Load(a.Values + e), TV.Gather(xb, a.Cols + e), s0);
                T acc = TV.Sum(TV.Add(s0, s1));
                yb[o] = a.Bias is null ? acc : acc + a.Bias[o];
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PanelRows<T, TV, TN>(in Panel<T> p, int row0, int row1) where T : unmanaged, IFloatingPointIeee754<T>
        where TV : unmanaged, ISparseLanes<TV, T> where TN : struct, IGemmDim
    {
        int c = TV.Count, width = TN.N * c;
        ref readonly var a = ref p.A;
        T* tile = stackalloc T[64];
        for (int o = row0; o < row1; o++)
        {
            TV a0 = TV.Zero, a1 = TV.Zero, a2 = TV.Zero, a3 = TV.Zero;
            TV b0 = TV.Zero, b1 = TV.Zero, b2 = TV.Zero, b3 = TV.Zero;
            int e = a.Starts[o], end = e + a.Counts[o];
            for (; e + 2 <= end; e += 2)
            {
                TV v = TV.Splat(a.Values[e]), w = TV.Splat(a.Values[e + 1]);
                T* r = p.Xt + (long)a.Cols[e] * width;
                T* q = p.Xt + (long)a.Cols[e + 1] * width;
                a0 = TV.Fma(v, TV.Load(r), a0);
                b0 = TV.Fma(w, TV.Load(q), b0);
                if (TN.N > 1) { a1 = TV.Fma(v, TV.Load(r + c), a1); b1 = TV.Fma(w, TV.Load(q + c), b1); }
                if (TN.N > 2) { a2 = TV.Fma(v, TV.Load(r + 2 * c), a2); b2 = TV.Fma(w, TV.Load(q + 2 * c), b2); }
                if (TN.N > 3) { a3 = TV.Fma(v, TV.Load(r + 3 * c), a3); b3 = TV.Fma(w, TV.Load(q + 3 * c), b3); }
            }
            if (e < end)
            {
                TV v = TV.Splat(a.Values[e]);
                T* r = p.Xt + (long)a.Cols[e] * width;
                a0 = TV.Fma(v, TV.Load(r), a0);
                if (TN.N > 1) a1 = TV.Fma(v, TV.Load(r + c), a1);
                if (TN.N > 2) a2 = TV.Fma(v, TV.Load(r + 2 * c), a2);
                if (TN.N > 3) a3 = TV.Fma(v, TV.Load(r + 3 * c), a3);
            }
            TV.Store(TV.Add(a0, b0), tile);
            if (TN.N > 1) TV.Store(TV.Add(a1, b1), tile + c);
            if (TN.N > 2) TV.Store(TV.Add(a2, b2), tile + 2 * c);
            if (TN.N > 3) TV.Store(TV.Add(a3, b3), tile + 3 * c);
            T bias = a.Bias is null ? T.Zero : a.Bias[o];
            T* y = a.Y + (long)p.Sample0 * a.Out + o;
            for (int j = 0; j < p.Samples; j++) y[(long)j * a.Out] = a.Bias is null ? tile[j] : tile[j] + bias;
        }
    }

    private static int Blocks(int rows) => (rows + RowBlock - 1) / RowBlock;

    private static (int Start, int End) RowsOf(int block, int rows) => (block * RowBlock, Math.Min(rows, (block + 1) * RowBlock));

    private readonly struct Args<T>(T* values, int* cols, int* starts, int* counts, int rows, int columns, T* x, int batch, T* bias, T* y)
        where T : unmanaged
    {
        public readonly T* Values = values;
        public readonly int* Cols = cols;
        public readonly int* Starts = starts;
        public readonly int* Counts = counts;
        public readonly int Out = rows;
        public readonly int In = columns;
        public readonly T* X = x;
        public readonly int Batch = batch;
        public readonly T* Bias = bias;
        public readonly T* Y = y;
    }

    private readonly struct Panel<T>(Args<T> a, T* xt, int sample0, int samples) where T : unmanaged
    {
        public readonly Args<T> A = a;
        public readonly T* Xt = xt;
        public readonly int Sample0 = sample0;
        public readonly int Samples = samples;
    }

    private readonly struct ScalarBody<T>(Args<T> a) : IParallelBody where T : unmanaged, IFloatingPointIeee754<T>
    {
        public void Invoke(int index)
        {
            var (start, end) = RowsOf(index, a.Out);
            ScalarRows(a, start, end);
        }
    }

    private readonly struct GatherBody<T, TV>(Args<T> a) : IParallelBody where T : unmanaged, IFloatingPointIeee754<T>
        where TV : unmanaged, ISparseLanes<TV, T>
    {
        public void Invoke(int index)
        {
            var (start, end) = RowsOf(index, a.Out);
            GatherRows<T, TV>(a, start, end);
        }
    }

    private readonly struct PanelBody<T, TV, TN>(Panel<T> p) : IParallelBody where T : unmanaged, IFloatingPointIeee754<T>
        where TV : unmanaged, ISparseLanes<TV, T> where TN : struct, IGemmDim
    {
        public void Invoke(int index)
        {
            var (start, end) = RowsOf(index, p.A.Out);
            PanelRows<T, TV, TN>(p, start, end);
        }
    }
}

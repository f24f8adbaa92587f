namespace Descent.Kernels;

/// <summary>
/// Copies a row-major array into the row-major layout of a permutation of its dims (transpose, permute).
/// Size-1 dims are dropped and output dims that stay adjacent and in order in the source are merged, so
/// every permute reduces to either contiguous run copies or a batched 2-D transpose done in cache tiles.
/// Pure data movement: callers pass elements reinterpreted as same-size integers (byte/int/long).
/// </summary>
public static unsafe class PermuteKernels
{
    /// <summary>Tile edge of the 2-D transpose: a 32×32 tile of 8-byte elements is 8 KiB, source and
    /// destination lines of one tile stay in L1.</summary>
    private const int Tile = 32;

    /// <summary>Below this many elements a permute runs on the calling thread.</summary>
    private const int ParallelThreshold = 1 << 15;

    /// <summary>
    /// dst = src permuted: output dim i is source dim <paramref name="perm"/>[i]. <paramref name="shape"/> is the
    /// source shape; <paramref name="dst"/> receives the row-major output (same element count).
    /// </summary>
    public static void Permute<T>(ReadOnlySpan<T> src, ReadOnlySpan<int> shape, ReadOnlySpan<int> perm, Span<T> dst)
        where T : unmanaged
    {
        int rank = shape.Length;
        if (perm.Length != rank)
            throw new ArgumentException($"permute: {perm.Length} dims given for a shape of rank {rank}.");
        if (src.Length != dst.Length)
            throw new ArgumentException($"permute: source has {src.Length} elements, destination {dst.Length}.");
        if (src.Length == 0) return;

        Span<int> srcStride = stackalloc int[rank];
        for (int d = rank - 1, acc = 1; d >= 0; d--) { srcStride[d] = acc; acc *= shape[d]; }

        // Coalesced output dims (outermost first) with their source strides.
        Span<int> size = stackalloc int[rank + 1];
        Span<int> st = stackalloc int[rank + 1];
        int n = 0;
        for (int i = 0; i < rank; i++)
        {
            int s = shape[perm[i]];
            if (s == 1) continue;
            int stride = srcStride[perm[i]];
            if (n > 0 && st[n - 1] == stride * s)
            {
                size[n - 1] *= s;
                st[n - 1] = stride;
                continue;
            }
            size[n] = s;
            st[n] = stride;
            n++;
        }
        if (n == 0 || (n == 1 && st[0] == 1))
        {
            src.CopyTo(dst);
            return;
        }

        Span<int> dstStride = stackalloc int[n];
        for (int d = n - 1, acc = 1; d >= 0; d--) { dstStride[d] = acc; acc *= size[d]; }

        fixed (T* ps = src)
        fixed (T* pd = dst)
        fixed (int* pSize = size)
        fixed (int* pSt = st)
        fixed (int* pDst = dstStride)
        {
            var plan = new Plan<T>(ps, pd, n, pSize, pSt, pDst);
            long work = src.Length;
            int units = plan.Units;
            int threads = work >= ParallelThreshold ? Math.Min(ParallelFor.Threads, units) : 1;
            if (threads <= 1)
            {
                plan.Execute(0, units);
                return;
            }
            // A few chunks per thread so uneven tiles balance.
            int chunks = Math.Min(units, threads * 4);
            ParallelFor.Run(chunks, new Body<T>(plan, units, chunks));
        }
    }

    /// <summary>
    /// 2-D tile transpose: dst[r·dstLd + c] = src[c·srcLd + r] for r &lt; rows, c &lt; cols. Both pointers
    /// address the first element of the block.
    /// </summary>
    internal static void TransposeBlock<T>(T* src, int srcLd, T* dst, int dstLd, int rows, int cols) where T : unmanaged
    {
        for (int r0 = 0; r0 < rows; r0 += Tile)
        {
            int r1 = Math.Min(r0 + Tile, rows);
            for (int c0 = 0; c0 < cols; c0 += Tile)
            {
                int c1 = Math.Min(c0 + Tile, cols);
                for (int r = r0; r < r1; r++)
                {
                    T* d = dst + (long)r * dstLd;
                    T* s = src + r;
                    for (int c = c0; c < c1; c++)
                        d[c] = s[(long)c * srcLd];
                }
            }
        }
    }

    /// <summary>
    /// The coalesced permute: "units" are either contiguous runs (the last output dim is contiguous in the
    /// source) or whole 2-D transposes of the dims (q, last), where q is the output dim contiguous in the source.
    /// </summary>
    private readonly struct Plan<T> where T : unmanaged
    {
        private readonly T* _src;
        private readonly T* _dst;
        private readonly int _n;
        private readonly int* _size;
        private readonly int* _st;
        private readonly int* _dstStride;
        private readonly int _q;   // -1: run copies; else the output dim with source stride 1
        private readonly int _rowBlocks;

        public Plan(T* src, T* dst, int n, int* size, int* st, int* dstStride)
        {
            _src = src; _dst = dst; _n = n; _size = size; _st = st; _dstStride = dstStride;
            _q = -1;
            if (st[n - 1] != 1)
                for (int d = 0; d < n - 1; d++)
                    if (st[d] == 1) { _q = d; break; }
            int units = 1;
            for (int d = 0; d < n - 1; d++)
                if (d != _q) units *= size[d];
            // A transpose unit is one block of Tile rows of dim q, so one big matrix still splits over threads.
            _rowBlocks = _q < 0 ? 1 : (size[_q] + Tile - 1) / Tile;
            Units = units * _rowBlocks;
        }

        /// <summary>Number of independent units (outer index combinations).</summary>
        public int Units { get; }

        public void Execute(int start, int end)
        {
            int last = _n - 1;
            int runLen = _size[last];
            for (int u = start; u < end; u++)
            {
                // Decode u: row block of q fastest, then the outer dims (all but q and the last), innermost first.
                int rem = u / _rowBlocks;
                int r0 = (u % _rowBlocks) * Tile;
                long srcOff = 0, dstOff = 0;
                for (int d = last - 1; d >= 0; d--)
                {
                    if (d == _q) continue;
                    int i = rem % _size[d];
                    rem /= _size[d];
                    srcOff += (long)i * _st[d];
                    dstOff += (long)i * _dstStride[d];
                }
                if (_q < 0)
                {
                    // The last output dim is contiguous in the source (stride 1): a plain run copy.
                    new ReadOnlySpan<T>(_src + srcOff, runLen).CopyTo(new Span<T>(_dst + dstOff, runLen));
                }
                else
                {
                    int rows = Math.Min(Tile, _size[_q] - r0);
                    int dstLd = _dstStride[_q];
                    TransposeBlock(_src + srcOff + r0, _st[last], _dst + dstOff + (long)r0 * dstLd, dstLd, rows, runLen);
                }
            }
        }
    }

    private readonly struct Body<T>(Plan<T> plan, int units, int chunks) : IParallelBody where T : unmanaged
    {
        public void Invoke(int index)
        {
            long start = (long)units * index / chunks;
            long end = (long)units * (index + 1) / chunks;
            plan.Execute((int)start, (int)end);
        }
    }
}

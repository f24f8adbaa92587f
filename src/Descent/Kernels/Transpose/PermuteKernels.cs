using System.Runtime.Intrinsics.X86;

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
            throw new DescentInternalException($"permute: {perm.Length} dims given for a shape of rank {rank}.");
        if (src.Length != dst.Length)
            throw new DescentInternalException($"permute: source has {src.Length} elements, destination {dst.Length}.");
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
    /// address the first element of the block. 4- and 8-byte elements go through in-register 8×8 / 4×4 AVX
    /// transposes (8 or 4 source lines in flight, so power-of-two strides do not thrash one L1 set); the edges and
    /// 1-byte elements use the scalar loop.
    /// </summary>
    internal static void TransposeBlock<T>(T* src, int srcLd, T* dst, int dstLd, int rows, int cols) where T : unmanaged
    {
        int simd = !KernelConfig.UseVector256 || !Avx.IsSupported ? 1 : sizeof(T) == 4 ? 8 : sizeof(T) == 8 ? 4 : 1;
        for (int r0 = 0; r0 < rows; r0 += Tile)
        {
            int r1 = Math.Min(r0 + Tile, rows);
            for (int c0 = 0; c0 < cols; c0 += Tile)
            {
                int c1 = Math.Min(c0 + Tile, cols);
                int rs = r0, cs = c0;   // ends of the part covered by whole SIMD blocks (none on the scalar path)
                if (simd > 1)
                {
                    rs = r0 + (r1 - r0) / simd * simd;
                    cs = c0 + (c1 - c0) / simd * simd;
                    // Row blocks outer: the destination is written along its rows (measured faster than
                    // column-outer at power-of-two strides, where every source line maps to one cache set).
                    for (int r = r0; r < rs; r += simd)
                        for (int c = c0; c < cs; c += simd)
                        {
                            if (simd == 8)
                                Transpose8x8((float*)(src + (long)c * srcLd + r), srcLd, (float*)(dst + (long)r * dstLd + c), dstLd);
                            else
                                Transpose4x4((double*)(src + (long)c * srcLd + r), srcLd, (double*)(dst + (long)r * dstLd + c), dstLd);
                        }
                }
                // Scalar: the rows below the SIMD blocks (all columns), then the columns right of them.
                ScalarBlock(src, srcLd, dst, dstLd, rs, r1, c0, c1);
                ScalarBlock(src, srcLd, dst, dstLd, r0, rs, cs, c1);
            }
        }
    }

    private static void ScalarBlock<T>(T* src, int srcLd, T* dst, int dstLd, int r0, int r1, int c0, int c1) where T : unmanaged
    {
        for (int r = r0; r < r1; r++)
        {
            T* d = dst + (long)r * dstLd;
            T* s = src + r;
            for (int c = c0; c < c1; c++)
                d[c] = s[(long)c * srcLd];
        }
    }

    /// <summary>8×8 transpose of 4-byte elements: unpack pairs, shuffle quads, swap 128-bit halves.</summary>
    private static void Transpose8x8(float* src, int srcLd, float* dst, int dstLd)
    {
        var r0 = Avx.LoadVector256(src);
        var r1 = Avx.LoadVector256(src + srcLd);
        var r2 = Avx.LoadVector256(src + 2L * srcLd);
        var r3 = Avx.LoadVector256(src + 3L * srcLd);
        var r4 = Avx.LoadVector256(src + 4L * srcLd);
        var r5 = Avx.LoadVector256(src + 5L * srcLd);
        var r6 = Avx.LoadVector256(src + 6L * srcLd);
        var r7 = Avx.LoadVector256(src + 7L * srcLd);
        var t0 = Avx.UnpackLow(r0, r1);
        var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3);
        var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5);
        var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7);
        var t7 = Avx.UnpackHigh(r6, r7);
        var u0 = Avx.Shuffle(t0, t2, 0x44);
        var u1 = Avx.Shuffle(t0, t2, 0xEE);
        var u2 = Avx.Shuffle(t1, t3, 0x44);
        var u3 = Avx.Shuffle(t1, t3, 0xEE);
        var u4 = Avx.Shuffle(t4, t6, 0x44);
        var u5 = Avx.Shuffle(t4, t6, 0xEE);
        var u6 = Avx.Shuffle(t5, t7, 0x44);
        var u7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Store(dst, Avx.Permute2x128(u0, u4, 0x20));
        Avx.Store(dst + dstLd, Avx.Permute2x128(u1, u5, 0x20));
        Avx.Store(dst + 2L * dstLd, Avx.Permute2x128(u2, u6, 0x20));
        Avx.Store(dst + 3L * dstLd, Avx.Permute2x128(u3, u7, 0x20));
        Avx.Store(dst + 4L * dstLd, Avx.Permute2x128(u0, u4, 0x31));
        Avx.Store(dst + 5L * dstLd, Avx.Permute2x128(u1, u5, 0x31));
        Avx.Store(dst + 6L * dstLd, Avx.Permute2x128(u2, u6, 0x31));
        Avx.Store(dst + 7L * dstLd, Avx.Permute2x128(u3, u7, 0x31));
    }

    /// <summary>4×4 transpose of 8-byte elements: unpack pairs, swap 128-bit halves.</summary>
    private static void Transpose4x4(double* src, int srcLd, double* dst, int dstLd)
    {
        var r0 = Avx.LoadVector256(src);
        var r1 = Avx.LoadVector256(src + srcLd);
        var r2 = Avx.LoadVector256(src + 2L * srcLd);
        var r3 = Avx.LoadVector256(src + 3L * srcLd);
        var t0 = Avx.UnpackLow(r0, r1);
        var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3);
        var t3 = Avx.UnpackHigh(r2, r3);
        Avx.Store(dst, Avx.Permute2x128(t0, t2, 0x20));
        Avx.Store(dst + dstLd, Avx.Permute2x128(t1, t3, 0x20));
        Avx.Store(dst + 2L * dstLd, Avx.Permute2x128(t0, t2, 0x31));
        Avx.Store(dst + 3L * dstLd, Avx.Permute2x128(t1, t3, 0x31));
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

using System.Numerics;
using System.Numerics.Tensors;

namespace Descent.Kernels;

/// <summary>
/// index_select and its adjoint index_add over a source viewed as [outer, size, inner]: the selected dim is
/// the middle one, so each selected slice is <c>outer</c> contiguous runs of <c>inner</c> elements.
/// Indices must already be validated (see <see cref="FirstOutOfRange"/>).
/// </summary>
public static unsafe class IndexSelectKernels
{
    /// <summary>Below this many moved elements the kernels run on the calling thread.</summary>
    private const int ParallelThreshold = 1 << 15;

    /// <summary>Position of the first index outside [0, <paramref name="size"/>), or −1 when all are valid.</summary>
    public static int FirstOutOfRange(ReadOnlySpan<long> index, long size)
    {
        for (int i = 0; i < index.Length; i++)
            if ((ulong)index[i] >= (ulong)size) return i;
        return -1;
    }

    /// <summary>dst[o, j, :] = src[o, index[j], :] for src [outer, size, inner] and dst [outer, index.Length, inner].</summary>
    public static void IndexSelect<T>(ReadOnlySpan<T> src, int outer, int size, int inner, ReadOnlySpan<long> index, Span<T> dst)
        where T : unmanaged
    {
        int count = index.Length;
        if ((long)outer * count * inner == 0) return;
        fixed (T* ps = src)
        fixed (T* pd = dst)
        fixed (long* pi = index)
        {
            var body = new SelectBody<T>(ps, pd, pi, size, count, inner, Split(outer, count, inner));
            Run(outer, count, inner, body);
        }
    }

    /// <summary>
    /// dst[o, index[j], :] += src[o, j, :] for dst [outer, size, inner] and src [outer, index.Length, inner].
    /// Repeated indices accumulate (PyTorch's index_add_). Work is split over outer rows and inner columns,
    /// never over j, so no two threads write the same element.
    /// </summary>
    public static void IndexAdd<T>(Span<T> dst, int outer, int size, int inner, ReadOnlySpan<long> index, ReadOnlySpan<T> src)
        where T : unmanaged, INumberBase<T>
    {
        int count = index.Length;
        if ((long)outer * count * inner == 0) return;
        fixed (T* pd = dst)
        fixed (T* ps = src)
        fixed (long* pi = index)
        {
            int columnChunks = (long)outer * count * inner >= ParallelThreshold && outer < ParallelFor.Threads
                ? Math.Min(Math.Max(inner / 64, 1), ParallelFor.Threads * 2) : 1;
            var body = new AddBody<T>(pd, ps, pi, size, count, inner, columnChunks);
            int units = outer * columnChunks;
            if ((long)outer * count * inner < ParallelThreshold || units < 2) body.Range(0, units);
            else ParallelFor.Run(units, body);
        }
    }

    /// <summary>Index chunks per outer row for the select: enough units to feed every thread.</summary>
    private static int Split(int outer, int count, int inner) =>
        (long)outer * count * inner < ParallelThreshold || outer >= ParallelFor.Threads * 2
            ? 1 : Math.Min(count, ParallelFor.Threads * 4);

    private static void Run<T>(int outer, int count, int inner, SelectBody<T> body) where T : unmanaged
    {
        int units = outer * body.Chunks;
        if ((long)outer * count * inner < ParallelThreshold || units < 2) body.Range(0, units);
        else ParallelFor.Run(units, body);
    }

    private readonly struct SelectBody<T>(T* src, T* dst, long* index, int size, int count, int inner, int chunks)
        : IParallelBody where T : unmanaged
    {
        public int Chunks => chunks;

        public void Invoke(int unit) => Range(unit, unit + 1);

        public void Range(int start, int end)
        {
            for (int u = start; u < end; u++)
            {
                int o = u / chunks, chunk = u % chunks;
                int j0 = (int)((long)count * chunk / chunks), j1 = (int)((long)count * (chunk + 1) / chunks);
                T* s = src + (long)o * size * inner;
                T* d = dst + ((long)o * count + j0) * inner;
                if (inner == 1)
                {
                    for (int j = j0; j < j1; j++) d[j - j0] = s[index[j]];
                    continue;
                }
                for (int j = j0; j < j1; j++, d += inner)
                    new ReadOnlySpan<T>(s + index[j] * inner, inner).CopyTo(new Span<T>(d, inner));
            }
        }
    }

    private readonly struct AddBody<T>(T* dst, T* src, long* index, int size, int count, int inner, int columnChunks)
        : IParallelBody where T : unmanaged, INumberBase<T>
    {
        public void Invoke(int unit) => Range(unit, unit + 1);

        public void Range(int start, int end)
        {
            for (int u = start; u < end; u++)
            {
                int o = u / columnChunks, chunk = u % columnChunks;
                int c0 = (int)((long)inner * chunk / columnChunks), c1 = (int)((long)inner * (chunk + 1) / columnChunks);
                int width = c1 - c0;
                T* d = dst + (long)o * size * inner + c0;
                T* s = src + (long)o * count * inner + c0;
                for (int j = 0; j < count; j++, s += inner)
                {
                    T* row = d + index[j] * inner;
                    if (width == 1) { row[0] += s[0]; continue; }
                    var rowSpan = new Span<T>(row, width);
                    var srcSpan = new ReadOnlySpan<T>(s, width);
                    if (KernelConfig.ForceScalar)
                        for (int c = 0; c < width; c++) rowSpan[c] += srcSpan[c];
                    else
                        TensorPrimitives.Add(rowSpan, srcSpan, rowSpan);
                }
            }
        }
    }
}

using System.Runtime.CompilerServices;

namespace Descent.Kernels;

/// <summary>
/// Cache-blocking parameters and the split of C over threads. The k blocking depends only on k and the
/// element type — never on the thread count or SIMD level — so every C element is accumulated in the same
/// order however the work is divided (results do not depend on <see cref="ParallelFor.Threads"/>).
/// </summary>
internal static class GemmBlocking
{
    /// <summary>
    /// Largest k block (KC): 256 elements. The micro-kernel streams a KC × NR panel of B (64 KiB of floats:
    /// 256 rows of one 6×64 tile's 4 vectors) from L2 while the 6 A rows stream through L1, and each C tile is
    /// loaded and stored once per KC steps, so the epilogue costs under 2% (Goto and van de Geijn 2008, §6).
    /// Measured on Zen 5: 128 and 384 were 2–8% slower for float; double (same bytes per panel row) is flat
    /// between 128 and 256.
    /// </summary>
    public const int KcMax = 256;

    /// <summary>
    /// Rows of C per A block (MC): a multiple of every tile height (24, 12, 6 and 4). 96 rows × KC of A is
    /// 96 KiB of floats, half of it in L1 at a time across the jr loop; 48 and 192 measured within noise.
    /// </summary>
    public const int Mc = 96;

    /// <summary>
    /// Columns of C per packed B block (NC): a KC × NC float block is 1 MiB, the L2 of one Zen 5 core;
    /// 512 and 2048 measured within noise.
    /// </summary>
    public const int Nc = 1024;

    /// <summary>
    /// Most rows a task may have and still read B in place. Packing B costs one pass over the task's slice
    /// of B; below a few hundred rows each panel is reused too little to repay it (measured: a 64×784×256
    /// product ran 20% faster unpacked, while at 512+ rows both are within noise).
    /// </summary>
    public const int DirectBRows = 384;

    /// <summary>Whether a task reads full-width B panels in place instead of packing them.</summary>
    public static bool DirectB(bool transB, int taskRows) => !transB && taskRows <= DirectBRows;

    /// <summary>
    /// Whether a task packs its A blocks (see <see cref="GemmPackA{T}"/>): only for a transposed A whose
    /// stored rows are a multiple of 512 bytes apart (they then crowd into at most 8 of the 64 L1 sets) and
    /// enough columns per task to repay the copy. Otherwise packing cost 2–5% (e.g. 784×256×256 with transA),
    /// and an untransposed A is always read in place: its 6 rows stream sequentially.
    /// </summary>
    public static bool PackA<T>(bool transA, nint lda, int taskColumns) where T : unmanaged =>
        transA && lda * Unsafe.SizeOf<T>() % 512 == 0 && taskColumns >= 256;

    /// <summary>
    /// Below this many flops (2·m·n·k) a call stays on the calling thread: waking a worker costs more.
    /// Settable so tests can force the threaded split on small shapes.
    /// </summary>
    public static double MinParallelFlops { get; set; } = 2e6;

    /// <summary>
    /// The k block size: k split into ceil(k / KcMax) nearly equal blocks, so no short tail block pays
    /// a full C load/store for a few k steps (784 → 4 × 196 instead of 3 × 256 + 16).
    /// </summary>
    public static int Kc(int k)
    {
        int blocks = (k + KcMax - 1) / KcMax;
        return (k + blocks - 1) / blocks;
    }

    /// <summary>
    /// Splits C into <c>tm × tn</c> tasks. When B can be read in place by row tasks (untransposed, few rows
    /// per task), rows are split: then no operand is packed at all and the tasks write disjoint rows of C
    /// (a column split of a 256×128×64 product ran slower on two threads than on one: the tasks share the
    /// boundary cache line of every C row, and with k = 64 the tile stores are a large part of the work).
    /// Otherwise columns are split first, so each task packs only its own slice of B (A is read in place and
    /// shared); rows are split only when C is too narrow (e.g. n = 10).
    /// </summary>
    public static (int Tm, int Tn) Partition(int m, int n, int k, bool transB, int threads, int mr, int lanes)
    {
        if (threads <= 1 || 2.0 * m * n * k < MinParallelFlops)
            return (1, 1);
        int rowUnits = (m + mr - 1) / mr;
        if (!transB && m >= threads * RowSplitMinRows && (m + threads - 1) / threads <= DirectBRows)
            return (threads, 1);
        int colUnits = (n + lanes - 1) / lanes;
        int tn = Math.Clamp(colUnits / 2, 1, threads);
        int tm = Math.Clamp(threads / tn, 1, rowUnits);
        return (tm, tn);
    }

    /// <summary>Fewest rows per task for a row split: thinner tasks waste most of their last 6-row tile.</summary>
    private const int RowSplitMinRows = 48;

    /// <summary>Start of part <paramref name="index"/> of <paramref name="parts"/> over [0, total), in whole units.</summary>
    public static int SplitPoint(int total, int parts, int unit, int index)
    {
        long units = (total + (long)unit - 1) / unit;
        return (int)Math.Min(total, units * index / parts * unit);
    }
}

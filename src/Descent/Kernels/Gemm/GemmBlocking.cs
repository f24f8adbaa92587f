namespace Descent.Kernels;

/// <summary>
/// Cache-blocking parameters and the split of C over threads. The k blocking depends only on k and the
/// element type — never on the thread count or SIMD level — so every C element is accumulated in the same
/// order however the work is divided (results do not depend on <see cref="ParallelFor.Threads"/>).
/// </summary>
internal static class GemmBlocking
{
    /// <summary>
    /// Largest k block (KC), in bytes of one packed-B row times rows: 256 floats / 128 doubles per row of a
    /// 6-row A sliver keeps the sliver (6·KC elements) in L1 next to the streamed B rows, and a KC×NR B panel
    /// (64 KiB) in L2 (Goto and van de Geijn 2008, §6: KC is chosen so the B panel occupies about half of L2).
    /// </summary>
    public static int KcMax<T>() => typeof(T) == typeof(float) ? KcF : KcD;

    /// <summary>Rows of C per A block (MC): a multiple of every family's MR (6 and 4).</summary>
    public static int Mc { get; } = Env("DESCENT_GEMM_MC", 96);

    /// <summary>Columns of C per packed B block (NC). NC·KC floats = 1 MiB: the L2 of one Zen 5 core.</summary>
    public static int Nc { get; } = Env("DESCENT_GEMM_NC", 1024);

    private static readonly int PackAMode = Env("DESCENT_GEMM_PACKA", 2);
    private static readonly int KcF = Env("DESCENT_GEMM_KC", 256);
    private static readonly int KcD = Env("DESCENT_GEMM_KCD", 128);

    private static int Env(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), out int v) ? v : fallback;

    private static readonly int DirectBRows = Env("DESCENT_GEMM_DIRECTB", 384);

    /// <summary>
    /// Whether a task reads full-width B panels in place instead of packing them: only for untransposed B
    /// and few rows, where each panel is reused too little to repay the copy.
    /// </summary>
    public static bool DirectB(bool transB, int taskRows) => !transB && taskRows <= DirectBRows;

    /// <summary>Whether a task copies its A blocks (see <see cref="GemmPackA{T}"/>).</summary>
    public static bool PackA(bool transA, nint lda, int taskColumns) => PackAMode switch
    {
        0 => false,
        1 => true,
        _ => taskColumns >= 256 && (transA ? lda >= 256 : lda % 256 == 0),
    };

    /// <summary>
    /// Below this many flops (2·m·n·k) a call stays on the calling thread: waking a worker costs more.
    /// Settable so tests can force the threaded split on small shapes.
    /// </summary>
    public static double MinParallelFlops { get; set; } = 2e6;

    /// <summary>
    /// The k block size: k split into ceil(k / KcMax) nearly equal blocks, so no short tail block pays
    /// a full C load/store for a few k steps (784 → 4 × 196 instead of 3 × 256 + 16).
    /// </summary>
    public static int Kc<T>(int k)
    {
        int max = KcMax<T>();
        int blocks = (k + max - 1) / max;
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

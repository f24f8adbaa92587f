namespace Descent.Kernels.Quantized;

/// <summary>
/// An int8 weight matrix W [n × k] (row o = output channel o) packed once for <see cref="Int8Gemm"/>: each value is
/// stored as the int16 offset q − zero_point[o], in panels of <see cref="PanelWidth"/> output channels, and inside a
/// panel k is interleaved in pairs, so one 32-bit lane holds (w[2p, j], w[2p+1, j]) — the operand layout of
/// vpmaddwd (Avx2/Avx512BW MultiplyAddAdjacent), which multiplies int16 pairs and adds them into exact int32 sums.
/// Columns past n and the odd k past the end are zero. The packed form is twice the int8 size; the int8 values
/// themselves are what checkpoints store.
/// </summary>
/// <remarks>
/// Why int16 offsets instead of feeding u8×s8 bytes to vpmaddubsw: vpmaddubsw adds two u8·s8 products into an
/// int16 with saturation, and 255·127·2 overflows it. fbgemm avoids that with reduce_range (7-bit activations),
/// which halves the activation resolution; widening to int16 before vpmaddwd keeps the full 8-bit ranges exact at
/// the same multiply throughput (one vpmaddwd does 32 multiply-adds, vpmaddubsw + vpmaddwd(1) do 64 in two), and
/// subtracting both zero points up front removes the zero-point correction terms of the affine product.
/// </remarks>
public sealed class Int8PackedMatrix
{
    /// <summary>Output channels per panel: the int32 lanes of one 512-bit vector (two 256-bit vectors).</summary>
    public const int PanelWidth = 16;

    /// <summary>
    /// Largest k for which the int32 accumulation is exact for any 8-bit operands: |q_x − z_x|, |q_w − z_w| ≤ 255, so
    /// k·255² must stay below 2³¹.
    /// </summary>
    public const int MaxK = int.MaxValue / (255 * 255);

    private Int8PackedMatrix(int n, int k, short[] data, sbyte[] quads, int[] columnSums, int maxPairSum, bool bytesFit)
    {
        N = n;
        K = k;
        Data = data;
        Quads = quads;
        ColumnSums = columnSums;
        MaxPairSum = maxPairSum;
        OffsetsFitInt8 = bytesFit;
    }

    /// <summary>Output channels (rows of W, columns of the product).</summary>
    public int N { get; }

    /// <summary>Reduction length (columns of W).</summary>
    public int K { get; }

    /// <summary>Number of panels: ceil(n / <see cref="PanelWidth"/>).</summary>
    public int Panels => (N + PanelWidth - 1) / PanelWidth;

    /// <summary>n rounded up to whole panels: the length per-column arrays of the static layers' epilogue are padded to.</summary>
    public static int PaddedColumns(int n) => (n + PanelWidth - 1) / PanelWidth * PanelWidth;

    /// <summary>k rounded up to even: the pairs of one panel column.</summary>
    internal int KPairs => (K + 1) / 2;

    /// <summary>int16 elements per panel.</summary>
    internal int PanelStride => KPairs * 2 * PanelWidth;

    /// <summary>The packed panels.</summary>
    internal short[] Data { get; }

    /// <summary>
    /// The same offsets as int8 for the u8×s8 kernel (vpmaddubsw): per panel, k in groups of four, so one 32-bit lane
    /// holds (w[4q..4q+3, j]); zero-padded like <see cref="Data"/>. Meaningful only when <see cref="OffsetsFitInt8"/>.
    /// </summary>
    internal sbyte[] Quads { get; }

    /// <summary>int8 elements per panel of <see cref="Quads"/>.</summary>
    internal nint QuadPanelStride => (K + 3) / 4 * 4 * PanelWidth;

    /// <summary>Σ_k (q_w − z_w) per output channel: the activation zero point's correction for the u8 kernel.</summary>
    internal int[] ColumnSums { get; }

    /// <summary>Largest |w(2p, j)| + |w(2p+1, j)| over adjacent offsets: vpmaddubsw is exact when activation·this ≤ 32767.</summary>
    internal int MaxPairSum { get; }

    /// <summary>True when every offset q_w − z_w fits in int8 (always for symmetric weights).</summary>
    internal bool OffsetsFitInt8 { get; }

    /// <summary>
    /// True when the u8×s8 kernel is exact for activations up to <paramref name="activationMax"/>: its pairwise int16 sums
    /// cannot saturate (PyTorch's reduce_range activations, at most 127, always qualify for int8 weights).
    /// </summary>
    internal bool U8KernelIsExact(int activationMax) => OffsetsFitInt8 && (long)activationMax * MaxPairSum <= short.MaxValue;
    /// <summary>
    /// Packs W [n × k] (row-major int8 integer representation) with per-row zero points (null: all zero, the
    /// symmetric case).
    /// </summary>
    public static Int8PackedMatrix Pack(ReadOnlySpan<sbyte> weight, int n, int k, ReadOnlySpan<int> zeroPoints = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        if (k > MaxK)
            throw new ArgumentOutOfRangeException(nameof(k), k, $"Int8 GEMM: k = {k} could overflow the exact int32 accumulation (at most {MaxK}).");
        if (weight.Length != (long)n * k)
            throw new ArgumentException($"Int8 GEMM: weight has {weight.Length} values, expected {n}×{k}.", nameof(weight));
        if (!zeroPoints.IsEmpty && zeroPoints.Length != n)
            throw new ArgumentException($"Int8 GEMM: {zeroPoints.Length} zero points for {n} rows.", nameof(zeroPoints));
        int panels = (n + PanelWidth - 1) / PanelWidth, pairs = (k + 1) / 2;
        int quads = (k + 3) / 4;
        var data = new short[(long)panels * pairs * 2 * PanelWidth];
        var bytes = new sbyte[(long)panels * quads * 4 * PanelWidth];
        var sums = new int[n];
        int maxPair = 0;
        bool fit = true;
        for (int o = 0; o < n; o++)
        {
            int zp = zeroPoints.IsEmpty ? 0 : zeroPoints[o];
            long panelBase = (long)(o / PanelWidth) * pairs * 2 * PanelWidth + o % PanelWidth * 2;
            long quadBase = (long)(o / PanelWidth) * quads * 4 * PanelWidth + o % PanelWidth * 4;
            var row = weight.Slice(o * k, k);
            for (int p = 0; p < k; p++)
            {
                int v = row[p] - zp;
                data[panelBase + p / 2 * 2 * PanelWidth + (p & 1)] = (short)v;
                fit &= v is >= sbyte.MinValue and <= sbyte.MaxValue;
                bytes[quadBase + p / 4 * 4 * PanelWidth + (p & 3)] = (sbyte)v;
                sums[o] += v;
                if ((p & 1) == 1) maxPair = Math.Max(maxPair, Math.Abs(v) + Math.Abs(row[p - 1] - zp));
                else if (p == k - 1) maxPair = Math.Max(maxPair, Math.Abs(v));
            }
        }
        return new Int8PackedMatrix(n, k, data, bytes, sums, maxPair, fit);
    }
}

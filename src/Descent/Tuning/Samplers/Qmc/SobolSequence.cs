namespace Descent.Tuning;

/// <summary>
/// The Sobol low-discrepancy sequence with Joe &amp; Kuo (2008) direction numbers, in Gray-code order
/// (Antonov &amp; Saleev 1979), 32-bit precision, up to <see cref="MaxDimensions"/> dimensions; point n is
/// computed directly from n, so workers need no shared state. Optionally scrambled with a random linear
/// matrix scramble plus a random digital shift (Matoušek 1998; Owen 2003, "Variance with alternative
/// scramblings of digital nets"; what scipy's <c>qmc.Sobol(scramble=True)</c> does): each coordinate
/// stays uniform on [0, 1) and the (t, m, s)-net structure of every power-of-two block is preserved.
/// </summary>
public sealed class SobolSequence
{
    /// <summary>Largest supported dimension count (the embedded Joe–Kuo table).</summary>
    public const int MaxDimensions = 128;

    private const int Bits = 32;
    private static readonly Lazy<uint[][]> Directions = new(BuildDirections);

    private readonly uint[][] _v;     // per dimension, Bits direction integers (possibly scrambled)
    private readonly uint[] _shift;   // per dimension digital shift (0 when unscrambled)

    /// <summary>Creates the sequence.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimensions"/> outside 1..<see cref="MaxDimensions"/>.</exception>
    public SobolSequence(int dimensions, bool scramble = false, long seed = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(dimensions, MaxDimensions);
        Dimensions = dimensions;
        _v = new uint[dimensions][];
        _shift = new uint[dimensions];
        var rng = scramble ? new TuningRandom(seed) : null;
        for (int d = 0; d < dimensions; d++)
        {
            var v = (uint[])Directions.Value[d].Clone();
            if (rng is not null)
            {
                // Lower-triangular binary matrix with unit diagonal acting on the digits (most significant
                // first): output digit i mixes input digits 0..i. Applying it to every direction integer
                // scrambles every point, because generation is linear over GF(2).
                var rows = new uint[Bits];
                for (int i = 0; i < Bits; i++)
                {
                    uint diag = 1u << (Bits - 1 - i);
                    uint above = i == 0 ? 0u : ~((diag << 1) - 1);
                    rows[i] = diag | ((uint)rng.NextUInt64() & above);
                }
                for (int j = 0; j < Bits; j++)
                {
                    uint x = v[j], y = 0;
                    for (int i = 0; i < Bits; i++)
                        if ((System.Numerics.BitOperations.PopCount(rows[i] & x) & 1) != 0) y |= 1u << (Bits - 1 - i);
                    v[j] = y;
                }
                _shift[d] = (uint)rng.NextUInt64();
            }
            _v[d] = v;
        }
    }

    /// <summary>Number of dimensions.</summary>
    public int Dimensions { get; }

    /// <summary>Writes point <paramref name="index"/> (0 ≤ index &lt; 2³²) into <paramref name="output"/>, each coordinate in [0, 1).</summary>
    public void Point(long index, Span<double> output)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(index, (long)uint.MaxValue);
        if (output.Length < Dimensions) throw new ArgumentException($"output needs {Dimensions} elements", nameof(output));
        uint gray = (uint)(index ^ (index >> 1));
        for (int d = 0; d < Dimensions; d++)
        {
            uint x = _shift[d];
            var v = _v[d];
            for (uint g = gray, j = 0; g != 0; g >>= 1, j++)
                if ((g & 1) != 0) x ^= v[j];
            output[d] = x * (1.0 / 4294967296.0);
        }
    }

    /// <summary>Point <paramref name="index"/> as a new array.</summary>
    public double[] Point(long index)
    {
        var p = new double[Dimensions];
        Point(index, p);
        return p;
    }

    // Direction integers v_j = m_j·2^(32−j) for j ≤ s, then the recurrence of Bratley &amp; Fox (1988) as
    // Joe &amp; Kuo state it: v_j = v_{j−s} ⊕ (v_{j−s} ≫ s) ⊕ ⊕_{k=1}^{s−1} a_k·v_{j−k}.
    private static uint[][] BuildDirections()
    {
        var rows = JoeKuoDirections.Table.Split('|');
        var all = new uint[rows.Length + 1][];
        all[0] = new uint[Bits];
        for (int j = 0; j < Bits; j++) all[0][j] = 1u << (Bits - 1 - j);
        for (int r = 0; r < rows.Length; r++)
        {
            var f = rows[r].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(uint.Parse).ToArray();
            int s = (int)f[0];
            uint a = f[1];
            var v = new uint[Bits];
            for (int j = 0; j < Bits; j++)
            {
                if (j < s) { v[j] = f[2 + j] << (Bits - 1 - j); continue; }
                uint x = v[j - s] ^ (v[j - s] >> s);
                for (int k = 1; k < s; k++)
                    if (((a >> (s - 1 - k)) & 1) != 0) x ^= v[j - k];
                v[j] = x;
            }
            all[r + 1] = v;
        }
        return all;
    }
}

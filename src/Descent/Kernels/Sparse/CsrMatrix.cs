using System.Numerics;

namespace Descent.Kernels.Sparse;

/// <summary>
/// A sparse matrix [rows × columns] in compressed sparse row form (CSR) with every row's entries padded to a multiple of
/// <see cref="RowAlignment"/>: row r's stored entries are <see cref="Values"/>/<see cref="ColumnIndices"/>
/// [<see cref="RowStarts"/>[r], <see cref="RowStarts"/>[r] + <see cref="RowCounts"/>[r]) in increasing column order, followed
/// by zero values (column = the row's last real column, or 0) up to the next multiple of 16. The padding lets the
/// vector kernels gather whole vectors of a row without a scalar tail; the scalar paths and the batched kernel read only
/// the real entries. Column indices are int32 because the AVX2/AVX-512 gathers take int32 lanes.
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
public sealed class CsrMatrix<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Entries a row is padded to a multiple of (one 512-bit vector of float32; two of float64).</summary>
    public const int RowAlignment = 16;

    private CsrMatrix(int rows, int columns, int[] rowStarts, int[] rowCounts, int[] columnIndices, T[] values)
    {
        Rows = rows;
        Columns = columns;
        RowStarts = rowStarts;
        RowCounts = rowCounts;
        ColumnIndices = columnIndices;
        Values = values;
        NonZeros = rowCounts.Sum(c => (long)c);
    }

    /// <summary>Number of rows.</summary>
    public int Rows { get; }

    /// <summary>Number of columns.</summary>
    public int Columns { get; }

    /// <summary>Start of each row's stored entries (padded layout), length <see cref="Rows"/> + 1.</summary>
    public int[] RowStarts { get; }

    /// <summary>Real (unpadded) entries of each row.</summary>
    public int[] RowCounts { get; }

    /// <summary>Column of each stored entry.</summary>
    public int[] ColumnIndices { get; }

    /// <summary>Value of each stored entry (0 in the padding).</summary>
    public T[] Values { get; }

    /// <summary>Entries that are not zero (without the padding).</summary>
    public long NonZeros { get; }

    /// <summary>Fraction of the rows × columns entries that are zero.</summary>
    public double Sparsity => Rows == 0 || Columns == 0 ? 0 : 1 - NonZeros / ((double)Rows * Columns);

    /// <summary>
    /// The CSR form of a dense row-major matrix: every entry that is not ±0 is kept (NaN and infinities too, so the
    /// product keeps propagating them from the weights).
    /// </summary>
    public static CsrMatrix<T> FromDense(ReadOnlySpan<T> dense, int rows, int columns)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        if ((long)rows * columns != dense.Length)
            throw new ArgumentException($"CsrMatrix: {dense.Length} values are not a {rows}×{columns} matrix.", nameof(dense));
        var counts = new int[rows];
        var starts = new int[rows + 1];
        long total = 0;
        for (int r = 0; r < rows; r++)
        {
            int n = 0;
            foreach (var v in dense.Slice(r * columns, columns))
                if (v != T.Zero) n++;
            counts[r] = n;
            starts[r] = checked((int)total);
            total += Padded(n);
        }
        starts[rows] = checked((int)total);
        var cols = new int[total];
        var values = new T[total];
        for (int r = 0; r < rows; r++)
        {
            int at = starts[r], last = 0;
            var row = dense.Slice(r * columns, columns);
            for (int c = 0; c < columns; c++)
            {
                if (row[c] == T.Zero) continue;
                cols[at] = c;
                values[at++] = row[c];
                last = c;
            }
            // Padding reads a column the row already reads (in cache) and multiplies it by zero.
            for (; at < starts[r + 1]; at++) cols[at] = last;
        }
        return new CsrMatrix<T>(rows, columns, starts, counts, cols, values);
    }

    /// <summary>
    /// A matrix from stored arrays in this class's padded layout (as <see cref="RowStarts"/>, <see cref="RowCounts"/>,
    /// <see cref="ColumnIndices"/> and <see cref="Values"/> hold them), checked: every row padded to
    /// <see cref="RowAlignment"/>, columns in range.
    /// </summary>
    public static CsrMatrix<T> FromParts(int rows, int columns, int[] rowStarts, int[] rowCounts, int[] columnIndices, T[] values)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        if (rowStarts.Length != rows + 1 || rowCounts.Length != rows || columnIndices.Length != values.Length || rowStarts[0] != 0 ||
            rowStarts[rows] != values.Length)
            throw new ArgumentException($"CsrMatrix: the arrays do not describe a {rows}×{columns} matrix (row starts {rowStarts.Length}, row counts {rowCounts.Length}, {columnIndices.Length} columns, {values.Length} values).");
        for (int r = 0; r < rows; r++)
        {
            int length = rowStarts[r + 1] - rowStarts[r];
            if (rowCounts[r] < 0 || length != Padded(rowCounts[r]))
                throw new ArgumentException($"CsrMatrix: row {r} holds {length} stored entries for {rowCounts[r]} non-zeros; rows are padded to a multiple of {RowAlignment}.");
        }
        foreach (int c in columnIndices)
            if ((uint)c >= (uint)columns)
                throw new ArgumentException($"CsrMatrix: column index {c} is outside [0, {columns}).");
        return new CsrMatrix<T>(rows, columns, rowStarts, rowCounts, columnIndices, values);
    }

    /// <summary>The dense row-major matrix again (the padding adds nothing).</summary>
    public T[] ToDense()
    {
        var dense = new T[(long)Rows * Columns];
        for (int r = 0; r < Rows; r++)
            for (int e = RowStarts[r], end = e + RowCounts[r]; e < end; e++)
                dense[(long)r * Columns + ColumnIndices[e]] = Values[e];
        return dense;
    }

    /// <summary>Bytes of the stored arrays (values, column indices, row starts and counts).</summary>
    public long StorageBytes => (long)Values.Length * System.Runtime.CompilerServices.Unsafe.SizeOf<T>() + ColumnIndices.Length * 4L + RowStarts.Length * 4L + RowCounts.Length * 4L;

    private static long Padded(int n) => (n + RowAlignment - 1) / RowAlignment * RowAlignment;
}

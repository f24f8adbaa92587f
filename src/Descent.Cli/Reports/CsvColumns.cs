using System.Globalization;

namespace Descent.Cli.Reports;

/// <summary>
/// A numeric CSV file of a run directory (metrics.csv, steps.csv) read into named columns. Plain
/// comma-separated values written by the trainer: a header row, then numbers in invariant culture; an empty
/// field or <c>nan</c> is NaN. Errors name the file, the line and the column.
/// </summary>
public sealed class CsvColumns
{
    private readonly Dictionary<string, double[]> _columns;

    private CsvColumns(IReadOnlyList<string> header, Dictionary<string, double[]> columns, int rows)
    {
        Header = header;
        _columns = columns;
        RowCount = rows;
    }

    /// <summary>Column names in file order.</summary>
    public IReadOnlyList<string> Header { get; }

    /// <summary>Number of data rows.</summary>
    public int RowCount { get; }

    /// <summary>The values of column <paramref name="name"/>, or null when the file has no such column.</summary>
    public double[]? Column(string name) => _columns.TryGetValue(name, out var c) ? c : null;

    /// <summary>Reads <paramref name="path"/>; <paramref name="firstColumn"/> must head the first column.</summary>
    /// <exception cref="InvalidDataException">Bad header, wrong field count or a non-numeric value (file:line: message).</exception>
    public static CsvColumns Read(string path, string firstColumn)
    {
        string file = Path.GetFileName(path);
        using var reader = new StreamReader(path);
        string? headerLine = reader.ReadLine();
        if (headerLine is null) throw new InvalidDataException($"{file}: the file is empty (expected a header starting with \"{firstColumn}\")");
        var header = headerLine.Split(',').Select(h => h.Trim()).ToArray();
        if (header[0].Length > 0 && header[0][0] == '\uFEFF') header[0] = header[0][1..];
        if (header[0] != firstColumn)
            throw new InvalidDataException($"{file} line 1: the header must start with \"{firstColumn}\", got \"{header[0]}\"");
        for (int j = 0; j < header.Length; j++)
        {
            if (header[j].Length == 0) throw new InvalidDataException($"{file} line 1: column {j + 1} has an empty name");
            for (int k = 0; k < j; k++)
                if (header[k] == header[j]) throw new InvalidDataException($"{file} line 1: column \"{header[j]}\" appears twice");
        }
        var values = new List<double>[header.Length];
        for (int j = 0; j < header.Length; j++) values[j] = [];
        int lineNo = 1, rows = 0;
        for (string? line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            lineNo++;
            if (line.Trim().Length == 0) continue;
            var fields = line.Split(',');
            if (fields.Length != header.Length)
                throw new InvalidDataException($"{file} line {lineNo}: {fields.Length} fields, the header has {header.Length}");
            for (int j = 0; j < fields.Length; j++)
                values[j].Add(ParseField(fields[j].Trim(), file, lineNo, header[j]));
            rows++;
        }
        var columns = new Dictionary<string, double[]>(StringComparer.Ordinal);
        for (int j = 0; j < header.Length; j++) columns[header[j]] = values[j].ToArray();
        return new CsvColumns(header, columns, rows);
    }

    private static double ParseField(string s, string file, int line, string column)
    {
        if (s.Length == 0 || s.Equals("nan", StringComparison.OrdinalIgnoreCase)) return double.NaN;
        if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v)) return v;
        // double.TryParse accepts "Infinity"/"∞" but not the "inf" Python and many loggers write.
        if (s.Equals("inf", StringComparison.OrdinalIgnoreCase) || s.Equals("+inf", StringComparison.OrdinalIgnoreCase)) return double.PositiveInfinity;
        if (s.Equals("-inf", StringComparison.OrdinalIgnoreCase)) return double.NegativeInfinity;
        throw new InvalidDataException($"{file} line {line}: column \"{column}\": \"{s}\" is not a number");
    }
}

using System.Globalization;
using System.Text;

namespace Descent.Experiments.Runs;

/// <summary>
/// The numeric CSV files of a run directory (metrics.csv, steps.csv): a header row, then numbers in the invariant
/// culture; an empty field or <c>nan</c> is NaN, <c>inf</c>/<c>Infinity</c> are accepted. Errors name the file, the
/// line and the column.
/// </summary>
internal sealed class RunCsv
{
    private RunCsv(string fileName, string[] header, List<(int Line, double[] Values)> rows)
    {
        FileName = fileName;
        Header = header;
        Rows = rows;
    }

    /// <summary>The file name used in messages.</summary>
    public string FileName { get; }

    /// <summary>Column names in file order.</summary>
    public IReadOnlyList<string> Header { get; }

    /// <summary>Each data row's 1-based line number and values (one per header column).</summary>
    public IReadOnlyList<(int Line, double[] Values)> Rows { get; }

    /// <summary>The index of column <paramref name="name"/>, or −1 when the file has none.</summary>
    public int IndexOf(string name)
    {
        for (int j = 0; j < Header.Count; j++)
            if (Header[j] == name) return j;
        return -1;
    }

    /// <summary>An error about <paramref name="line"/>.</summary>
    public InvalidDataException Error(int line, string message) => new($"{FileName} line {line}: {message}");

    /// <summary>The value of <paramref name="row"/> in column <paramref name="column"/> as a whole number up to <paramref name="max"/> in size.</summary>
    public long Integer((int Line, double[] Values) row, int column, long max = int.MaxValue)
    {
        double v = row.Values[column];
        if (double.IsFinite(v) && v == Math.Floor(v) && Math.Abs(v) <= max) return (long)v;
        throw Error(row.Line, $"column \"{Header[column]}\" must hold a whole number, got {v.ToString(CultureInfo.InvariantCulture)}");
    }

    /// <summary>Reads <paramref name="path"/>; <paramref name="firstColumn"/> must head the first column.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">Bad header, wrong field count or a non-numeric value (file line n: message).</exception>
    public static RunCsv Read(string path, string firstColumn)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: missing.", path);
        string file = Path.GetFileName(path);
        using var reader = new StreamReader(path, Encoding.UTF8);
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
        var rows = new List<(int, double[])>();
        int lineNo = 1;
        for (string? line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            lineNo++;
            if (line.Trim().Length == 0) continue;
            var fields = line.Split(',');
            if (fields.Length != header.Length)
                throw new InvalidDataException($"{file} line {lineNo}: {fields.Length} fields, the header has {header.Length}");
            var values = new double[fields.Length];
            for (int j = 0; j < fields.Length; j++)
                values[j] = ParseField(fields[j].Trim(), file, lineNo, header[j]);
            rows.Add((lineNo, values));
        }
        return new RunCsv(file, header, rows);
    }

    /// <summary>A number as the run files write it: shortest round-trip form, invariant culture (NaN, Infinity).</summary>
    public static string Format(double v) => v.ToString("R", CultureInfo.InvariantCulture);

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

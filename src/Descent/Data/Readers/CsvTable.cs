using CsvHelper;

namespace Descent.Data;

/// <summary>
/// A CSV file read into memory with CsvHelper: header, rows of trimmed fields, and each row's number
/// (CsvHelper's record number: the first data row is row 1, the header is not counted).
/// </summary>
internal sealed class CsvTable
{
    private CsvTable(string name, string[] header, char separator)
    {
        Name = name;
        Header = header;
        Separator = separator;
    }

    public string Name { get; }

    public string[] Header { get; }

    /// <summary>The separator used (the detected one when none was given).</summary>
    public char Separator { get; }

    public List<string[]> Rows { get; } = [];

    public List<int> RowNumbers { get; } = [];

    /// <summary>Index of <paramref name="column"/> in the header, or an error listing the columns.</summary>
    public int ColumnIndex(string column, string role)
    {
        int i = Array.IndexOf(Header, column);
        if (i < 0)
            throw new InvalidDataException($"{Name}: no column '{column}' ({role}); the columns are: {string.Join(", ", Header)}.");
        return i;
    }

    /// <summary>Reads all of <paramref name="text"/>; <paramref name="separator"/> null detects it (, ; tab |).</summary>
    public static CsvTable Read(TextReader text, string name, char? separator)
    {
        var options = new CsvReaderOptions
        {
            Separator = separator,
            HasHeader = true,
            TrimWhitespace = true,
            SkipEmptyLines = true,
            MalformedData = CsvMalformedDataHandling.Throw,
            FieldCountMismatch = CsvFieldCountHandling.Allow,
        };
        try
        {
            using var reader = CsvReader.Create(text, options, leaveOpen: true);
            var header = reader.Headers.ToArray();
            if (header.Length == 0)
                throw new InvalidDataException($"{name}: empty file; expected a header row.");
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (int c = 0; c < header.Length; c++)
            {
                if (header[c].Length == 0)
                    throw new InvalidDataException($"{name}: header column {c + 1} has no name.");
                if (!seen.Add(header[c]))
                    throw new InvalidDataException($"{name}: the header names column '{header[c]}' twice.");
            }
            var table = new CsvTable(name, header, reader.Separator);
            while (reader.Read())
            {
                if (reader.FieldCount != header.Length)
                    throw new InvalidDataException($"{name}: row {reader.RowNumber} has {reader.FieldCount} fields, the header has {header.Length}.");
                var record = new string[header.Length];
                for (int c = 0; c < record.Length; c++) record[c] = reader.GetString(c);
                table.Rows.Add(record);
                table.RowNumbers.Add(checked((int)reader.RowNumber));
            }
            if (table.Rows.Count == 0)
                throw new InvalidDataException($"{name}: no data rows after the header.");
            return table;
        }
        catch (CsvFormatException e)
        {
            // CsvHelper counts the header as record 1; our rows count data records only.
            string where = e.RecordNumber > 1 ? $"row {e.RecordNumber - 1}: " : "";
            throw new InvalidDataException($"{name}: {where}malformed CSV: {e.Message.Split('\n', 2)[0].Trim()}", e);
        }
    }
}

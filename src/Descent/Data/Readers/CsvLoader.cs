using Descent.Tensors;

namespace Descent.Data;

/// <summary>A CSV file loaded for training: the dataset, the schema to encode new rows the same way, and how many rows were dropped.</summary>
/// <param name="Dataset">Features <c>[N, F]</c>; targets <c>[N]</c> Int64 class ids or <c>[N, 1]</c> floats.</param>
/// <param name="Schema">Column kinds, category lists, fill values and class names (keep it for prediction).</param>
/// <param name="DroppedRows">Rows left out by <see cref="MissingValuePolicy.DropRows"/>.</param>
/// <param name="TaskChoice">Which task the target was read as and why, e.g. "task auto → classification: label column
/// 'y' holds 2 distinct integers (0, 1)", for the run output.</param>
public sealed record CsvData(TensorDataset Dataset, CsvSchema Schema, int DroppedRows, string TaskChoice = "");

/// <summary>
/// Loads a CSV file with a header row (parsed by CsvHelper) into a dataset: numeric columns as they are, categorical
/// columns one-hot or index encoded (categories sorted, numerically when they are all numbers), the target by
/// column name. Missing values and malformed cells are reported by row and column, e.g.
/// <c>data.csv: row 17, column 'age': missing value</c> (rows count data records from 1; the header is not counted).
/// </summary>
public static class CsvLoader
{
    /// <summary>
    /// Most distinct integer labels that <see cref="CsvTargetKind.Auto"/> reads as classes. Integer targets with more
    /// values (counts, prices, years) stay regression; the run output says which was chosen, and <c>task:</c> overrides.
    /// </summary>
    public const int MaxAutoClasses = 10;

    /// <summary>Loads the CSV file at <paramref name="path"/>.</summary>
    public static CsvData Load(string path, CsvOptions options)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var reader = new StreamReader(path);
        return Load(reader, path, options);
    }

    /// <summary>Loads CSV text from <paramref name="reader"/>; <paramref name="name"/> appears in errors.</summary>
    public static CsvData Load(TextReader reader, string name, CsvOptions options)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrEmpty(options.Target))
            throw new ArgumentException("CsvLoader: set CsvOptions.Target to the name of the target column.", nameof(options));
        if (!options.DType.IsFloatingPoint())
            throw new ArgumentException($"CsvLoader: DType must be float32 or float64, not {options.DType.TorchName()}.", nameof(options));
        var table = CsvTable.Read(reader, name, options.Separator);
        var missing = new HashSet<string>(options.MissingMarkers, StringComparer.Ordinal) { "" };
        int target = table.ColumnIndex(options.Target, "the target");
        var skip = new HashSet<int> { target };
        foreach (var c in options.Ignore) skip.Add(table.ColumnIndex(c, "listed in Ignore"));
        HashSet<int>? declared = null;
        if (options.Categorical is { } cats)
        {
            declared = [];
            foreach (var c in cats)
            {
                int i = table.ColumnIndex(c, "listed in Categorical");
                if (i == target)
                    throw new ArgumentException($"CsvLoader: the target '{c}' is listed in Categorical; choose classification with TargetKind instead.", nameof(options));
                declared.Add(i);
            }
        }
        var featureColumns = Enumerable.Range(0, table.Header.Length).Where(i => !skip.Contains(i)).ToArray();
        var errors = new CsvErrors(name);

        // Which rows are kept, and which missing cells are errors.
        var keep = new List<int>(table.Rows.Count);
        for (int r = 0; r < table.Rows.Count; r++)
        {
            var cells = table.Rows[r];
            bool rowMissing = false;
            foreach (int c in featureColumns.Append(target))
            {
                if (!missing.Contains(cells[c])) continue;
                rowMissing = true;
                if (options.Missing == MissingValuePolicy.Error || (options.Missing == MissingValuePolicy.Fill && c == target))
                    errors.Add(table.RowNumbers[r], table.Header[c], c == target && options.Missing == MissingValuePolicy.Fill ? "missing target value" : "missing value");
            }
            if (!rowMissing || options.Missing != MissingValuePolicy.DropRows) keep.Add(r);
        }
        errors.ThrowIfAny();
        if (keep.Count == 0)
            throw new InvalidDataException($"{name}: every row has a missing value; nothing is left after dropping them.");

        var columns = new CsvColumn[featureColumns.Length];
        for (int f = 0; f < featureColumns.Length; f++)
            columns[f] = Analyze(table, featureColumns[f], keep, missing, declared?.Contains(featureColumns[f]), options.Missing == MissingValuePolicy.Fill, errors);
        errors.ThrowIfAny();

        var (targets, classNames, choice) = Targets(table, target, keep, options, errors);
        errors.ThrowIfAny();

        var schema = new CsvSchema(columns, options.Target, classNames, options.Encoding, options.MissingMarkers, options.DType, table.Separator);
        using (StepScope.Suspend())
        {
            var features = schema.Encode(table, featureColumns, [.. keep]);
            return new CsvData(new TensorDataset(features, targets), schema, table.Rows.Count - keep.Count, choice);
        }
    }

    /// <summary>Decides a column's kind, collects its categories and fill value; bad cells go to <paramref name="errors"/>.</summary>
    private static CsvColumn Analyze(CsvTable table, int column, List<int> keep, HashSet<string> missing, bool? categorical,
        bool fill, CsvErrors errors)
    {
        string header = table.Header[column];
        int numbers = 0, texts = 0, firstText = -1;
        double sum = 0;
        foreach (int r in keep)
        {
            string cell = table.Rows[r][column];
            if (missing.Contains(cell)) continue;
            if (CsvSchema.TryParseNumber(cell, out double v))
            {
                numbers++;
                sum += v;
            }
            else
            {
                texts++;
                if (firstText < 0) firstText = r;
            }
        }
        if (numbers + texts == 0)
        {
            errors.Add(table.RowNumbers[keep[0]], header, "the column has no values (every cell is missing)");
            return new CsvColumn(header);
        }
        bool isCategorical = categorical ?? numbers == 0;
        if (!isCategorical)
        {
            if (texts > 0)
            {
                // Mixed numbers and text: report every non-number rather than silently switching to categories.
                foreach (int r in keep)
                {
                    string cell = table.Rows[r][column];
                    if (!missing.Contains(cell) && !CsvSchema.TryParseNumber(cell, out _))
                        errors.Add(table.RowNumbers[r], header, $"'{cell}' is not a number" + (categorical is null ? " (the other values of this column are numbers)" : ""));
                }
                return new CsvColumn(header);
            }
            return new CsvColumn(header, null, fill ? sum / numbers : null);
        }
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (int r in keep)
        {
            string cell = table.Rows[r][column];
            if (!missing.Contains(cell)) counts[cell] = counts.GetValueOrDefault(cell) + 1;
        }
        var categories = SortCategories(counts.Keys);
        double? fillIndex = null;
        if (fill)
        {
            // Most frequent category; ties go to the first in sorted order.
            int best = 0;
            for (int i = 1; i < categories.Length; i++)
                if (counts[categories[i]] > counts[categories[best]]) best = i;
            fillIndex = best;
        }
        return new CsvColumn(header, categories, fillIndex);
    }

    private static (Tensor Targets, string[]? ClassNames, string Choice) Targets(CsvTable table, int column, List<int> keep, CsvOptions options, CsvErrors errors)
    {
        string header = table.Header[column];
        if (options.Classes is not null && options.TargetKind == CsvTargetKind.Regression)
            throw new ArgumentException($"CsvLoader: Classes are given for the target '{header}', but TargetKind is Regression.", nameof(options));
        var (classification, choice) = options.Classes is { } declared
            ? (true, $"task classification: the {declared.Count} declared classes of column '{header}'")
            : ChooseTask(header, keep.Select(r => table.Rows[r][column]).ToList(), options.TargetKind);
        using var suspend = StepScope.Suspend();
        if (classification)
        {
            var classes = options.Classes?.ToArray() ?? SortCategories(keep.Select(r => table.Rows[r][column]).Distinct(StringComparer.Ordinal));
            var index = new Dictionary<string, int>(StringComparer.Ordinal);
            for (int i = 0; i < classes.Length; i++)
                if (!index.TryAdd(classes[i], i)) throw new ArgumentException($"CsvLoader: the class '{classes[i]}' is declared twice.", nameof(options));
            var ids = new long[keep.Count];
            for (int k = 0; k < keep.Count; k++)
            {
                string cell = table.Rows[keep[k]][column];
                if (index.TryGetValue(cell, out int id)) ids[k] = id;
                else errors.Add(table.RowNumbers[keep[k]], header, $"label '{cell}' is not one of the classes {ClassList(classes)}");
            }
            return (Tensor.FromArray(ids, keep.Count), classes, choice);
        }
        var values = new double[keep.Count];
        for (int k = 0; k < keep.Count; k++)
        {
            string cell = table.Rows[keep[k]][column];
            if (!CsvSchema.TryParseNumber(cell, out values[k]))
                errors.Add(table.RowNumbers[keep[k]], header, $"'{cell}' is not a number (regression target)");
        }
        var t = Tensor.FromArray(values, keep.Count, 1);
        return (options.DType == DType.Float64 ? t : t.To(options.DType), null, choice);
    }

    /// <summary>
    /// Classification or regression for a target column's <paramref name="cells"/>, with the reason in words. Auto reads
    /// text labels and a few distinct integers (0/1, 1–5) as classes, anything else as a regression target.
    /// </summary>
    internal static (bool Classification, string Choice) ChooseTask(string header, IReadOnlyList<string> cells, CsvTargetKind kind)
    {
        if (kind == CsvTargetKind.Classification) return (true, "task classification (as set)");
        if (kind == CsvTargetKind.Regression) return (false, "task regression (as set)");
        string? text = cells.FirstOrDefault(c => !CsvSchema.TryParseNumber(c, out _));
        if (text is not null)
            return (true, $"task auto → classification: label column '{header}' holds text ('{text}')");
        string? fraction = cells.FirstOrDefault(c => CsvSchema.TryParseNumber(c, out double v) && (v != Math.Floor(v) || !double.IsFinite(v)));
        if (fraction is not null)
            return (false, $"task auto → regression: label column '{header}' holds non-integer numbers ('{fraction}')");
        var distinct = SortCategories(cells.Distinct(StringComparer.Ordinal));
        if (distinct.Length <= MaxAutoClasses)
            return (true, $"task auto → classification: label column '{header}' holds {distinct.Length} distinct integers {ClassList(distinct)}; " +
                          "set task: regression to predict them as numbers");
        return (false, $"task auto → regression: label column '{header}' holds {distinct.Length} distinct integers (more than {MaxAutoClasses}); " +
                       "set task: classification to treat them as classes");
    }

    private static string ClassList(IReadOnlyList<string> classes) =>
        "(" + string.Join(", ", classes.Take(12)) + (classes.Count > 12 ? $", … {classes.Count} in all" : "") + ")";

    /// <summary>Distinct values in a stable order: by numeric value when all are numbers, else ordinal string order.</summary>
    private static string[] SortCategories(IEnumerable<string> values)
    {
        var list = values.ToArray();
        bool numeric = list.All(v => CsvSchema.TryParseNumber(v, out _));
        if (numeric)
            return [.. list.OrderBy(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ThenBy(v => v, StringComparer.Ordinal)];
        Array.Sort(list, StringComparer.Ordinal);
        return list;
    }
}

using System.Globalization;
using System.Numerics;
using Descent.Tensors;

namespace Descent.Data;

/// <summary>One feature column of a CSV schema: numeric, or categorical with its category list.</summary>
public sealed class CsvColumn
{
    private readonly string[] _categories;
    private readonly Dictionary<string, int> _lookup = new(StringComparer.Ordinal);

    /// <summary>A column; <paramref name="categories"/> non-empty makes it categorical.</summary>
    /// <param name="name">Header name.</param>
    /// <param name="categories">Category texts in encoding order (null or empty: numeric).</param>
    /// <param name="fillValue">Replacement for missing values: a number, or a category index; null when missing values are errors.</param>
    public CsvColumn(string name, IReadOnlyList<string>? categories = null, double? fillValue = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        Name = name;
        _categories = categories?.ToArray() ?? [];
        for (int i = 0; i < _categories.Length; i++)
            if (!_lookup.TryAdd(_categories[i], i))
                throw new ArgumentException($"CsvColumn '{name}': category '{_categories[i]}' is listed twice.", nameof(categories));
        if (IsCategorical && fillValue is { } f && (f < 0 || f >= _categories.Length || f != Math.Floor(f)))
            throw new ArgumentOutOfRangeException(nameof(fillValue), f, $"CsvColumn '{name}': the fill value of a categorical column is a category index.");
        FillValue = fillValue;
    }

    /// <summary>Header name.</summary>
    public string Name { get; }

    /// <summary>True for a categorical column.</summary>
    public bool IsCategorical => _categories.Length > 0;

    /// <summary>The categories in encoding order (empty for numeric columns).</summary>
    public IReadOnlyList<string> Categories => _categories;

    /// <summary>Replacement for missing values (a number, or a category index), or null.</summary>
    public double? FillValue { get; }

    internal bool TryCategory(string text, out int index) => _lookup.TryGetValue(text, out index);

    internal int Width(CategoricalEncoding encoding) => IsCategorical && encoding == CategoricalEncoding.OneHot ? _categories.Length : 1;
}

/// <summary>
/// Everything needed to encode rows exactly as the training CSV was encoded: feature columns (with their
/// category lists and fill values), the encoding, the target's class names. Keep it with a model to encode
/// prediction input (<see cref="Transform(string)"/>).
/// </summary>
public sealed class CsvSchema
{
    private readonly CsvColumn[] _features;
    private readonly string[] _classNames;
    private readonly HashSet<string> _missing;

    /// <summary>A schema (normally produced by <see cref="CsvLoader"/>).</summary>
    public CsvSchema(IReadOnlyList<CsvColumn> features, string? targetName, IReadOnlyList<string>? classNames,
        CategoricalEncoding encoding, IReadOnlyList<string> missingMarkers, DType dtype, char separator = ',')
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(missingMarkers);
        if (!dtype.IsFloatingPoint())
            throw new ArgumentException($"CsvSchema: features must be float32 or float64, not {dtype.TorchName()}.", nameof(dtype));
        _features = [.. features];
        TargetName = targetName;
        _classNames = classNames?.ToArray() ?? [];
        Encoding = encoding;
        MissingMarkers = [.. missingMarkers];
        _missing = new HashSet<string>(missingMarkers, StringComparer.Ordinal) { "" };
        DType = dtype;
        Separator = separator;
        var names = new List<string>();
        foreach (var c in _features)
        {
            if (c.IsCategorical && encoding == CategoricalEncoding.OneHot)
                foreach (var cat in c.Categories) names.Add($"{c.Name}={cat}");
            else
                names.Add(c.Name);
        }
        FeatureNames = names;
    }

    /// <summary>Feature columns in file order.</summary>
    public IReadOnlyList<CsvColumn> Features => _features;

    /// <summary>The target column's name.</summary>
    public string? TargetName { get; }

    /// <summary>Class names by class id (empty for a regression target).</summary>
    public IReadOnlyList<string> ClassNames => _classNames;

    /// <summary>True when the target is a class id.</summary>
    public bool IsClassification => _classNames.Length > 0;

    /// <summary>Encoding of categorical features.</summary>
    public CategoricalEncoding Encoding { get; }

    /// <summary>Texts meaning "missing" (besides the empty cell).</summary>
    public IReadOnlyList<string> MissingMarkers { get; }

    /// <summary>Feature element type.</summary>
    public DType DType { get; }

    /// <summary>Field separator of the training file (used for prediction input).</summary>
    public char Separator { get; }

    /// <summary>Names of the encoded feature columns (one-hot columns as <c>name=category</c>).</summary>
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>Width of an encoded row.</summary>
    public int FeatureCount => FeatureNames.Count;

    /// <summary>Encodes the rows of the CSV file at <paramref name="path"/> into features <c>[N, FeatureCount]</c>; extra columns (e.g. the target) are ignored.</summary>
    public Tensor Transform(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var reader = new StreamReader(path);
        return Transform(reader, path);
    }

    /// <summary>Encodes CSV text from <paramref name="reader"/>; <paramref name="name"/> appears in errors.</summary>
    public Tensor Transform(TextReader reader, string name)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var table = CsvTable.Read(reader, name, Separator);
        var columns = new int[_features.Length];
        for (int f = 0; f < columns.Length; f++)
            columns[f] = table.ColumnIndex(_features[f].Name, "a feature of the model");
        var rows = Enumerable.Range(0, table.Rows.Count).ToArray();
        using (StepScope.Suspend())
            return Encode(table, columns, rows);
    }

    /// <summary>Encodes <paramref name="rows"/> of <paramref name="table"/>; throws listing every bad cell.</summary>
    internal Tensor Encode(CsvTable table, int[] columns, int[] rows)
    {
        var t = Tensor.Zeros(new Shape(rows.Length, FeatureCount), DType);
        var errors = new CsvErrors(table.Name);
        if (DType == DType.Float32) Encode(table, columns, rows, t.Span<float>(), errors);
        else Encode(table, columns, rows, t.Span<double>(), errors);
        errors.ThrowIfAny();
        return t;
    }

    private void Encode<T>(CsvTable table, int[] columns, int[] rows, Span<T> dst, CsvErrors errors)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int width = FeatureCount;
        for (int r = 0; r < rows.Length; r++)
        {
            var cells = table.Rows[rows[r]];
            int rowNumber = table.RowNumbers[rows[r]];
            var outRow = dst.Slice(r * width, width);
            int at = 0;
            for (int f = 0; f < _features.Length; f++)
            {
                var col = _features[f];
                string cell = cells[columns[f]];
                double value;
                if (IsMissing(cell))
                {
                    if (col.FillValue is not { } fill)
                    {
                        errors.Add(rowNumber, col.Name, "missing value");
                        at += col.Width(Encoding);
                        continue;
                    }
                    value = fill;
                }
                else if (col.IsCategorical)
                {
                    if (!col.TryCategory(cell, out int index))
                    {
                        errors.Add(rowNumber, col.Name, $"category '{cell}' was not seen in training (known: {string.Join(", ", col.Categories)})");
                        at += col.Width(Encoding);
                        continue;
                    }
                    value = index;
                }
                else if (!TryParseNumber(cell, out value))
                {
                    errors.Add(rowNumber, col.Name, $"'{cell}' is not a number");
                    at += 1;
                    continue;
                }
                if (col.IsCategorical && Encoding == CategoricalEncoding.OneHot)
                {
                    outRow[at + (int)value] = T.One;
                    at += col.Categories.Count;
                }
                else
                {
                    outRow[at++] = T.CreateTruncating(value);
                }
            }
        }
    }

    internal bool IsMissing(string cell) => _missing.Contains(cell);

    /// <summary>Parses a number the way the CSV reader does (invariant culture, decimal point).</summary>
    internal static bool TryParseNumber(string text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
}

/// <summary>Collects bad cells of a CSV file and throws one message listing them by row and column.</summary>
internal sealed class CsvErrors(string name)
{
    private const int Listed = 10;
    private readonly List<(int Row, string Column, string What)> _items = [];

    public int Count => _items.Count;

    public void Add(int row, string column, string what) => _items.Add((row, column, what));

    public void ThrowIfAny()
    {
        if (_items.Count == 0) return;
        _items.Sort((a, b) => a.Row.CompareTo(b.Row));
        if (_items.Count == 1)
        {
            var (row, column, what) = _items[0];
            throw new InvalidDataException($"{name}: row {row}, column '{column}': {what}");
        }
        var listed = _items.Take(Listed).Select(e => $"row {e.Row}, column '{e.Column}': {e.What}");
        string more = _items.Count > Listed ? $"; and {_items.Count - Listed} more" : "";
        throw new InvalidDataException($"{name}: {_items.Count} bad values: {string.Join("; ", listed)}{more}");
    }
}

using Descent.Tensors;

namespace Descent.Data;

/// <summary>How categorical feature columns become numbers.</summary>
public enum CategoricalEncoding
{
    /// <summary>One column per category holding 1 for the row's category, 0 elsewhere.</summary>
    OneHot,
    /// <summary>A single column holding the category's index in the sorted category list.</summary>
    Index,
}

/// <summary>How the target column is interpreted.</summary>
public enum CsvTargetKind
{
    /// <summary>
    /// Classification when the column holds any non-number, or only integers with at most
    /// <see cref="CsvLoader.MaxAutoClasses"/> distinct values (0/1 labels); else regression. The choice and its reason
    /// are in <see cref="CsvData.TaskChoice"/>.
    /// </summary>
    Auto,
    /// <summary>Class ids (Int64) indexing the sorted list of distinct values.</summary>
    Classification,
    /// <summary>A float target <c>[N, 1]</c>.</summary>
    Regression,
}

/// <summary>What to do with missing values (empty cells or one of <see cref="CsvOptions.MissingMarkers"/>).</summary>
public enum MissingValuePolicy
{
    /// <summary>Fail, listing each missing value by row and column.</summary>
    Error,
    /// <summary>Drop every row with a missing value (training data only; prediction input still fails).</summary>
    DropRows,
    /// <summary>Fill numeric features with the column mean and categorical ones with the most frequent category (a missing target still fails).</summary>
    Fill,
}

/// <summary>Options of <see cref="CsvLoader"/>.</summary>
public sealed record CsvOptions
{
    /// <summary>Name of the target column (required by <see cref="CsvLoader.Load(string, CsvOptions)"/>).</summary>
    public string? Target { get; init; }

    /// <summary>Columns to treat as categorical; null detects them (columns without any numeric value).</summary>
    public IReadOnlyList<string>? Categorical { get; init; }

    /// <summary>Columns to leave out (identifiers, free text).</summary>
    public IReadOnlyList<string> Ignore { get; init; } = [];

    /// <summary>Encoding of categorical features.</summary>
    public CategoricalEncoding Encoding { get; init; } = CategoricalEncoding.OneHot;

    /// <summary>Interpretation of the target column.</summary>
    public CsvTargetKind TargetKind { get; init; } = CsvTargetKind.Auto;

    /// <summary>
    /// The target's class labels, in class-id order (null: the sorted distinct values of the column). A row whose label
    /// is not one of them is an error naming its row and column. Implies classification.
    /// </summary>
    public IReadOnlyList<string>? Classes { get; init; }

    /// <summary>Policy for missing values.</summary>
    public MissingValuePolicy Missing { get; init; } = MissingValuePolicy.Error;

    /// <summary>Cell texts (after trimming) that mean "missing"; the empty cell always does.</summary>
    public IReadOnlyList<string> MissingMarkers { get; init; } = ["NA", "N/A", "NaN", "nan", "null", "NULL", "?"];

    /// <summary>Field separator; null detects it from the first lines (, ; tab |).</summary>
    public char? Separator { get; init; } = ',';

    /// <summary>Element type of the features and of regression targets.</summary>
    public DType DType { get; init; } = DType.Float32;
}

using System.Globalization;
using Descent.Tuning;

namespace Descent.Cli.Studies;

/// <summary>How the study commands and the study report name objectives and print values.</summary>
public static class StudyText
{
    /// <summary>Study system attribute holding objective names (Optuna's <c>study.set_metric_names</c> convention).</summary>
    public const string MetricNamesAttr = "study:metric_names";

    /// <summary>Objective names from <see cref="MetricNamesAttr"/> when it holds one per direction, else "value" / "values_i" (Optuna's column names).</summary>
    public static IReadOnlyList<string> ObjectiveNames(Study study)
    {
        ArgumentNullException.ThrowIfNull(study);
        int n = study.Directions.Count;
        if (study.SystemAttrs.TryGetValue(MetricNamesAttr, out var v) && v is IReadOnlyList<object?> list && list.Count == n && list.All(x => x is string))
            return list.Cast<string>().ToList();
        return n == 1 ? ["value"] : Enumerable.Range(0, n).Select(i => $"values_{i}").ToList();
    }

    /// <summary>A parameter or attribute value as plain text (strings unquoted, numbers invariant).</summary>
    public static string ValueText(object? v) => v switch
    {
        null => "",
        string s => s,
        double d => d.ToString("G6", CultureInfo.InvariantCulture),
        float f => f.ToString("G6", CultureInfo.InvariantCulture),
        int i => i.ToString(CultureInfo.InvariantCulture),
        long l => l.ToString(CultureInfo.InvariantCulture),
        _ => AttrValues.Format(v),
    };
}

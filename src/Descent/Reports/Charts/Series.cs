namespace Descent.Reports.Charts;

/// <summary>One named data series of a chart. Non-finite points are skipped (lines break there).</summary>
public sealed record Series(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y)
{
    /// <summary>Draw a line through the points.</summary>
    public bool Line { get; init; } = true;

    /// <summary>Draw a marker at each point.</summary>
    public bool Markers { get; init; }

    /// <summary>Draw as a step function (e.g. best-so-far).</summary>
    public bool Step { get; init; }

    /// <summary>Optional explicit colour (CSS); defaults to the palette.</summary>
    public string? Color { get; init; }

    /// <summary>List the series in the legend (off for e.g. one line per trial, with a few empty key series instead).</summary>
    public bool InLegend { get; init; } = true;

    /// <summary>Marker radius in pixels.</summary>
    public double MarkerRadius { get; init; } = 2.6;
}

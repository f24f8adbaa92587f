namespace Descent.Reports.Charts;

/// <summary>Titles, size and axis options of an XY chart.</summary>
public sealed record ChartOptions
{
    /// <summary>Title drawn above the plot.</summary>
    public string Title { get; init; } = "";

    /// <summary>Label under the x axis.</summary>
    public string XLabel { get; init; } = "";

    /// <summary>Label beside the y axis.</summary>
    public string YLabel { get; init; } = "";

    /// <summary>Width in pixels.</summary>
    public int Width { get; init; } = 640;

    /// <summary>Height in pixels.</summary>
    public int Height { get; init; } = 320;

    /// <summary>Log10 y axis (falls back to linear when values are not all positive).</summary>
    public bool LogY { get; init; }

    /// <summary>Log10 x axis (falls back to linear when values are not all positive).</summary>
    public bool LogX { get; init; }

    /// <summary>Font of the chart's text (e.g. sans-serif for a standalone SVG file); null inherits the page's.</summary>
    public string? FontFamily { get; init; }

    /// <summary>The x values are counts (epochs, steps, trial numbers): only whole-number ticks are labelled.</summary>
    public bool IntegerX { get; init; }
}

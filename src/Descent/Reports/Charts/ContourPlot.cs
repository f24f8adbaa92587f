namespace Descent.Reports.Charts;

/// <summary>
/// What <see cref="ContourChart"/> draws over the rectangle <see cref="Range"/>: an optional contour field, background
/// curves, paths with a dot per point (hollow start, filled end), crosses at marked points, and a legend of the paths.
/// </summary>
/// <param name="Range">The data rectangle shown; anything outside is clipped.</param>
public sealed record ContourPlot(PlotRange Range)
{
    /// <summary>Title above the plot.</summary>
    public string Title { get; init; } = "";

    /// <summary>Label under the x axis.</summary>
    public string XLabel { get; init; } = "";

    /// <summary>Label beside the y axis.</summary>
    public string YLabel { get; init; } = "";

    /// <summary>Width in pixels (at least 200).</summary>
    public int Width { get; init; } = 680;

    /// <summary>Height in pixels (at least 200).</summary>
    public int Height { get; init; } = 560;

    /// <summary>A scalar field drawn as contours under everything else.</summary>
    public ContourField? Field { get; init; }

    /// <summary>Background lines (e.g. the curve f(x) of a one-variable function), grey and not in the legend.</summary>
    public IReadOnlyList<Series> Curves { get; init; } = [];

    /// <summary>The paths, coloured from the palette in order, each listed in the legend.</summary>
    public IReadOnlyList<ChartPath> Paths { get; init; } = [];

    /// <summary>Points marked with a cross (e.g. known minima).</summary>
    public IReadOnlyList<(double X, double Y)> Markers { get; init; } = [];
}

/// <summary>Values of f on a regular grid over <see cref="Range"/>, drawn as contour lines and/or filled bands.</summary>
/// <param name="Values">Values[j, i] at (x_i, y_j), as <see cref="MarchingSquares.Sample"/> gives them.</param>
/// <param name="Range">The rectangle the grid spans.</param>
public sealed record ContourField(double[,] Values, PlotRange Range)
{
    /// <summary>Number of contour levels, at quantiles of the values (<see cref="MarchingSquares.QuantileLevels"/>).</summary>
    public int Levels { get; init; } = 16;

    /// <summary>Draw the contour lines.</summary>
    public bool Lines { get; init; } = true;

    /// <summary>Fill the bands between levels (light at low values, white at high ones).</summary>
    public bool Filled { get; init; }

    /// <summary>Samples <paramref name="f"/> on an <paramref name="nx"/> × <paramref name="ny"/> grid over <paramref name="range"/>.</summary>
    public static ContourField Sample(Func<double, double, double> f, PlotRange range, int nx = 121, int ny = 121) =>
        new(MarchingSquares.Sample(f, range, nx, ny), range);
}

/// <summary>A named path through a <see cref="ContourPlot"/>, e.g. an optimizer's trajectory.</summary>
/// <param name="Name">Name (the SVG group's data-name).</param>
/// <param name="X">x of each point, in order.</param>
/// <param name="Y">y of each point. Non-finite points are left out.</param>
public sealed record ChartPath(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y)
{
    /// <summary>Legend text (default: <see cref="Name"/>).</summary>
    public string? Label { get; init; }

    /// <summary>Explicit colour (CSS); defaults to the palette.</summary>
    public string? Color { get; init; }
}

namespace Descent.Reports.Runs;

/// <summary>
/// Everything a training-run report shows, as plain values (no tensors, no trainer types): the CLI builds it
/// from a run directory (<c>runs/&lt;name&gt;/</c>) and <see cref="RunReport.Render"/> turns it into HTML.
/// Every section is optional: a null or empty member omits its section.
/// </summary>
public sealed record RunReportModel
{
    /// <summary>The run's name (e.g. the run directory's name); used as the page title when <see cref="Title"/> is empty.</summary>
    public string Name { get; init; } = "";

    /// <summary>Page title; defaults to "Run &lt;name&gt;".</summary>
    public string Title { get; init; } = "";

    /// <summary>Overview rows shown first (status, epochs, best epoch, stop reason, seed, parameters...).</summary>
    public IReadOnlyList<(string Key, string Value)> Overview { get; init; } = [];

    /// <summary>Per-epoch metrics (metrics.csv).</summary>
    public EpochSeries? Epochs { get; init; }

    /// <summary>The best epoch (1-based epoch number as in <see cref="EpochSeries.Epochs"/>), marked on the epoch charts.</summary>
    public double? BestEpoch { get; init; }

    /// <summary>Per-step values (steps.csv); may hold 100k+ steps: the renderer downsamples them.</summary>
    public StepSeries? Steps { get; init; }

    /// <summary>Test-set metrics (name → value), e.g. loss and accuracy.</summary>
    public IReadOnlyList<(string Name, double Value)> TestMetrics { get; init; } = [];

    /// <summary>Confusion matrix on the test (or validation) set.</summary>
    public ConfusionMatrix? Confusion { get; init; }

    /// <summary>Layer-by-layer model summary.</summary>
    public ModelSummary? Model { get; init; }

    /// <summary>Timing rows (already formatted), e.g. ("seconds", "12.4"), ("samples/s", "48210").</summary>
    public IReadOnlyList<(string Key, string Value)> Timing { get; init; } = [];

    /// <summary>A distillation run's comparison with the scratch student and the teachers.</summary>
    public DistillationComparison? Distillation { get; init; }

    /// <summary>A pruned run's steps (its pruning.json), step 0 the model before pruning; empty when not pruned.</summary>
    public IReadOnlyList<PruningStepRow> Pruning { get; init; } = [];

    /// <summary>The resolved experiment configuration (YAML text), shown verbatim.</summary>
    public string? Config { get; init; }
}

/// <summary>One named column of per-epoch values (NaN = missing for that epoch).</summary>
public sealed record MetricColumn(string Name, IReadOnlyList<double> Values);

/// <summary>
/// Per-epoch series: the epoch numbers and one column per metric key, e.g. <c>loss</c>, <c>accuracy</c>,
/// <c>val_loss</c>, <c>val_accuracy</c>, <c>lr</c>, <c>seconds</c>. A key <c>val_X</c> is drawn on the same chart
/// as <c>X</c> (train vs validation).
/// </summary>
public sealed record EpochSeries(IReadOnlyList<double> Epochs, IReadOnlyList<MetricColumn> Columns)
{
    /// <summary>The column named <paramref name="name"/> (ordinal), or null.</summary>
    public MetricColumn? Column(string name)
    {
        foreach (var c in Columns)
            if (c.Name == name) return c;
        return null;
    }
}

/// <summary>
/// Per-optimizer-step values (steps.csv: <c>step,epoch,loss,lr,grad_norm</c>). Columns may be empty when not
/// recorded; otherwise each has one value per step (NaN = missing).
/// </summary>
public sealed record StepSeries(IReadOnlyList<double> Steps, IReadOnlyList<double> Loss,
    IReadOnlyList<double> LearningRate, IReadOnlyList<double> GradNorm)
{
    /// <summary>The epoch of each step (optional; empty when not recorded).</summary>
    public IReadOnlyList<double> Epoch { get; init; } = [];

    /// <summary>What <see cref="Loss"/> is, as the chart names it (default "loss"; a distilled student's is the distillation loss).</summary>
    public string LossName { get; init; } = "loss";
}

/// <summary>A confusion matrix: <c>Counts[true, predicted]</c> with one class name per row/column.</summary>
public sealed record ConfusionMatrix(long[,] Counts, IReadOnlyList<string> ClassNames);

/// <summary>One row of a model summary.</summary>
public sealed record ModelSummaryRow(string Layer, string OutputShape, long Parameters);

/// <summary>A layer table and the total number of parameters.</summary>
public sealed record ModelSummary(IReadOnlyList<ModelSummaryRow> Rows, long TotalParameters);

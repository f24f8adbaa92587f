using Descent.Data;
using Descent.Tensors;

namespace Descent.Experiments;

/// <summary>The data of an experiment: the splits, what one sample looks like, and the transforms the loaders apply.</summary>
public sealed record ExperimentData
{
    /// <summary>Training samples (after the validation split and any subsampling).</summary>
    public required IDataset Train { get; init; }

    /// <summary>Validation samples (null without <c>data.validation</c>).</summary>
    public IDataset? Validation { get; init; }

    /// <summary>Test samples.</summary>
    public required IDataset Test { get; init; }

    /// <summary>Shape of one input sample (e.g. [1, 28, 28] or [F]).</summary>
    public required int[] InputShape { get; init; }

    /// <summary>Number of classes (0 for regression).</summary>
    public required int Classes { get; init; }

    /// <summary>Width of a regression target (1 for classification).</summary>
    public int TargetWidth { get; init; } = 1;

    /// <summary>Class names by class id (empty for regression).</summary>
    public IReadOnlyList<string> ClassNames { get; init; } = [];

    /// <summary>Feature transform of every loader (per-feature standardization of CSV/synthetic data), or null.</summary>
    public IBatchTransform? FeatureTransform { get; init; }

    /// <summary>Extra random transform of the training loader only (augmentation), or null.</summary>
    public IBatchTransform? Augmentation { get; init; }

    /// <summary>For Fashion-MNIST: the pixel conversion used (so prediction input is converted the same way).</summary>
    public ImageDataOptions? ImageOptions { get; init; }

    /// <summary>For CSV data: the schema that encodes new rows like the training rows.</summary>
    public CsvSchema? CsvSchema { get; init; }

    /// <summary>
    /// For CSV data: which task the target was read as and why (e.g. "data.csv: task auto → classification: label column
    /// 'y' holds 2 distinct integers (0, 1)"), printed with the run's output; null for other data sets.
    /// </summary>
    public string? TaskChoice { get; init; }

    /// <summary>Where the data came from, for logs.</summary>
    public string Description { get; init; } = "";

    /// <summary>True for a classification task.</summary>
    public bool IsClassification => Classes > 0;

    /// <summary>Element type of the features.</summary>
    public DType FeatureDType => Train.FeatureDType;
}

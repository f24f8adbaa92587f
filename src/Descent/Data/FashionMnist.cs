using Descent.Tensors;

namespace Descent.Data;

/// <summary>Which part of a data set: the training or the test split.</summary>
public enum DataSplit
{
    /// <summary>Training split.</summary>
    Train,
    /// <summary>Test split.</summary>
    Test,
}

/// <summary>Where <see cref="FashionMnist"/> takes its data from.</summary>
public enum FashionMnistSource
{
    /// <summary>The given folder, else the Debian location, else the embedded subset.</summary>
    Auto,
    /// <summary>The full set only (given folder or Debian location); fails when absent.</summary>
    Full,
    /// <summary>The subset compiled into Descent.dll.</summary>
    Embedded,
}

/// <summary>Options of <see cref="FashionMnist.Load(DataSplit, string?, FashionMnistOptions?)"/>.</summary>
public sealed record FashionMnistOptions
{
    /// <summary>Where to look for the data.</summary>
    public FashionMnistSource Source { get; init; } = FashionMnistSource.Auto;

    /// <summary>Divide pixels by 255 (as torchvision's ToTensor); false keeps 0..255.</summary>
    public bool ScaleToUnit { get; init; } = true;

    /// <summary>Normalize with the standard constants (<see cref="FashionMnist.Mean"/>, <see cref="FashionMnist.Std"/>); needs <see cref="ScaleToUnit"/>.</summary>
    public bool Normalize { get; init; }

    /// <summary>Features <c>[N, 784]</c> instead of <c>[N, 1, 28, 28]</c>.</summary>
    public bool Flatten { get; init; }

    /// <summary>Feature element type.</summary>
    public DType DType { get; init; } = DType.Float32;
}

/// <summary>Where Fashion-MNIST data was found: a folder of the four IDX files, or the embedded subset.</summary>
/// <param name="IsEmbedded">True for the subset compiled into Descent.dll.</param>
/// <param name="Directory">The folder holding the full set (null when embedded).</param>
public sealed record FashionMnistLocation(bool IsEmbedded, string? Directory)
{
    /// <summary>A short description for logs.</summary>
    public override string ToString() => IsEmbedded
        ? $"embedded Fashion-MNIST subset ({FashionMnist.EmbeddedTrainCount} train / {FashionMnist.EmbeddedTestCount} test images)"
        : $"Fashion-MNIST in {Directory}";
}

/// <summary>
/// Fashion-MNIST (Xiao, Rasul &amp; Vollgraf 2017, Zalando Research, MIT licence): 28×28 grey images of 10 clothing
/// classes, 60,000 train and 10,000 test. Found in a given folder, at <see cref="DefaultDirectory"/> (Debian package
/// <c>dataset-fashion-mnist</c>), or else taken from a class-balanced subset embedded in Descent.dll
/// (1000 train and 200 test images per class; made by bench/data/make_fashion_subset.py).
/// </summary>
public static class FashionMnist
{
    /// <summary>Where the Debian package installs the full set.</summary>
    public const string DefaultDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>Mean of the training pixels scaled to [0, 1] (the standard normalization constant).</summary>
    public const double Mean = 0.2860;

    /// <summary>Standard deviation of the training pixels scaled to [0, 1] (the standard normalization constant).</summary>
    public const double Std = 0.3530;

    /// <summary>Number of classes.</summary>
    public const int NumClasses = 10;

    /// <summary>Images in the embedded training subset.</summary>
    public const int EmbeddedTrainCount = 10_000;

    /// <summary>Images in the embedded test subset.</summary>
    public const int EmbeddedTestCount = 2_000;

    private static readonly string[] Names =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>Class names, indexed by label.</summary>
    public static IReadOnlyList<string> ClassNames => Names;

    /// <summary>File name of a split's images or labels (gzipped, as distributed).</summary>
    public static string FileName(DataSplit split, bool images) =>
        $"{(split == DataSplit.Train ? "train" : "t10k")}-{(images ? "images-idx3" : "labels-idx1")}-ubyte.gz";

    /// <summary>
    /// Loads a split as a dataset of features <c>[N, 1, 28, 28]</c> (or <c>[N, 784]</c>) and Int64 labels <c>[N]</c>.
    /// </summary>
    /// <param name="split">Train or test.</param>
    /// <param name="dataDir">A folder with the four IDX files (raw or .gz); when given it must hold them.</param>
    /// <param name="options">Source, scaling, normalization, layout, dtype.</param>
    public static TensorDataset Load(DataSplit split, string? dataDir = null, FashionMnistOptions? options = null)
    {
        options ??= new FashionMnistOptions();
        return Load(Locate(dataDir, options.Source), split, options);
    }

    /// <summary>Loads a split from a location found by <see cref="Locate"/>.</summary>
    public static TensorDataset Load(FashionMnistLocation location, DataSplit split, FashionMnistOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(location);
        options ??= new FashionMnistOptions();
        if (options.Normalize && !options.ScaleToUnit)
            throw new ArgumentException("FashionMnist: the normalization constants are for pixels scaled to [0, 1]; keep ScaleToUnit.", nameof(options));
        var imageOptions = new ImageDataOptions
        {
            ScaleToUnit = options.ScaleToUnit,
            Mean = options.Normalize ? Mean : null,
            Std = options.Normalize ? Std : null,
            Flatten = options.Flatten,
            DType = options.DType,
        };
        string imagesName = FileName(split, images: true), labelsName = FileName(split, images: false);
        IdxFile images, labels;
        string imagesPath, labelsPath;
        if (location.IsEmbedded)
        {
            (imagesPath, labelsPath) = ($"embedded:{imagesName}", $"embedded:{labelsName}");
            using (var s = OpenEmbedded(imagesName)) images = IdxReader.ReadImages(s, imagesPath);
            using (var s = OpenEmbedded(labelsName)) labels = IdxReader.ReadLabels(s, labelsPath);
        }
        else
        {
            imagesPath = FindFile(location.Directory!, imagesName)!;
            labelsPath = FindFile(location.Directory!, labelsName)!;
            images = IdxReader.ReadImages(imagesPath);
            labels = IdxReader.ReadLabels(labelsPath);
        }
        if (images.Dims[1] != 28 || images.Dims[2] != 28)
            throw new InvalidDataException($"{imagesPath}: Fashion-MNIST images are 28×28, this file has {images.Dims[1]}×{images.Dims[2]}.");
        return MnistFormat.Load(images, imagesPath, labels, labelsPath, imageOptions, NumClasses);
    }

    /// <summary>
    /// Decides where the data comes from: <paramref name="dataDir"/> when given (it must hold the four files),
    /// else <see cref="DefaultDirectory"/> when complete, else the embedded subset (unless
    /// <paramref name="source"/> demands the full set).
    /// </summary>
    public static FashionMnistLocation Locate(string? dataDir = null, FashionMnistSource source = FashionMnistSource.Auto)
    {
        if (source == FashionMnistSource.Embedded)
            return new FashionMnistLocation(true, null);
        if (dataDir is not null)
        {
            var missing = MissingFiles(dataDir);
            if (missing.Count > 0)
                throw new FileNotFoundException(
                    $"Fashion-MNIST: {dataDir} lacks {string.Join(", ", missing)} (raw or .gz).", Path.Combine(dataDir, missing[0]));
            return new FashionMnistLocation(false, Path.GetFullPath(dataDir));
        }
        if (MissingFiles(DefaultDirectory).Count == 0)
            return new FashionMnistLocation(false, DefaultDirectory);
        if (source == FashionMnistSource.Full)
            throw new FileNotFoundException(
                $"Fashion-MNIST: the full set is not at {DefaultDirectory} (install the Debian package dataset-fashion-mnist) and no data folder was given.");
        return new FashionMnistLocation(true, null);
    }

    private static List<string> MissingFiles(string dir)
    {
        var missing = new List<string>();
        foreach (var split in new[] { DataSplit.Train, DataSplit.Test })
            foreach (bool images in new[] { true, false })
                if (FindFile(dir, FileName(split, images)) is null)
                    missing.Add(FileName(split, images));
        return missing;
    }

    /// <summary>The gzipped file, else the same name without .gz (as unpacked by hand), else null.</summary>
    private static string? FindFile(string dir, string gzName)
    {
        var gz = Path.Combine(dir, gzName);
        if (File.Exists(gz)) return gz;
        var raw = Path.Combine(dir, gzName[..^3]);
        return File.Exists(raw) ? raw : null;
    }

    private static Stream OpenEmbedded(string fileName) =>
        typeof(FashionMnist).Assembly.GetManifestResourceStream($"Descent.Data.Embedded.{fileName}")
        ?? throw new InvalidOperationException($"Descent.dll was built without the embedded Fashion-MNIST file {fileName} (src/Descent/Data/Embedded/).");
}

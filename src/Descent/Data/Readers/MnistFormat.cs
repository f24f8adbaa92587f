using System.Numerics;
using Descent.Tensors;

namespace Descent.Data;

/// <summary>How MNIST-style pixels become features (torchvision's <c>ToTensor</c> then optional <c>Normalize</c>).</summary>
public sealed record ImageDataOptions
{
    /// <summary>Divide pixels by 255 so they lie in [0, 1] (true, as <c>ToTensor</c>); false keeps 0..255.</summary>
    public bool ScaleToUnit { get; init; } = true;

    /// <summary>Mean subtracted after scaling (with <see cref="Std"/>); null for none.</summary>
    public double? Mean { get; init; }

    /// <summary>Standard deviation divided by after subtracting <see cref="Mean"/>; null for none.</summary>
    public double? Std { get; init; }

    /// <summary>Features as <c>[N, H·W]</c> instead of <c>[N, 1, H, W]</c>.</summary>
    public bool Flatten { get; init; }

    /// <summary>Feature element type (Float32 or Float64).</summary>
    public DType DType { get; init; } = DType.Float32;
}

/// <summary>
/// Builds a classification dataset from an MNIST-style pair of IDX files (images 0x803, labels 0x801), as for
/// MNIST, Fashion-MNIST, KMNIST: features <c>[N, 1, H, W]</c> floats, targets <c>[N]</c> Int64 class ids.
/// </summary>
public static class MnistFormat
{
    /// <summary>Reads <paramref name="imagesPath"/> and <paramref name="labelsPath"/> (raw or .gz) into a dataset.</summary>
    public static TensorDataset Load(string imagesPath, string labelsPath, ImageDataOptions? options = null, int? numClasses = null) =>
        Load(IdxReader.ReadImages(imagesPath), imagesPath, IdxReader.ReadLabels(labelsPath), labelsPath, options, numClasses);

    /// <summary>
    /// A dataset from already-read image and label files; the names appear in errors. With
    /// <paramref name="numClasses"/>, labels outside 0..numClasses−1 are rejected.
    /// </summary>
    public static TensorDataset Load(IdxFile images, string imagesName, IdxFile labels, string labelsName,
        ImageDataOptions? options = null, int? numClasses = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        options ??= new ImageDataOptions();
        if (!options.DType.IsFloatingPoint())
            throw new ArgumentException($"MnistFormat: features must be float32 or float64, not {options.DType.TorchName()}.", nameof(options));
        if (options.Mean.HasValue != options.Std.HasValue)
            throw new ArgumentException("MnistFormat: set both Mean and Std, or neither.", nameof(options));
        if (options.Std is { } s && !(s > 0))
            throw new ArgumentOutOfRangeException(nameof(options), s, "MnistFormat: Std must be positive.");
        if (images.Magic != IdxFile.ImagesMagic)
            throw new InvalidDataException($"{imagesName}: magic number 0x{images.Magic:X8}, expected 0x{IdxFile.ImagesMagic:X8} (images).");
        if (labels.Magic != IdxFile.LabelsMagic)
            throw new InvalidDataException($"{labelsName}: magic number 0x{labels.Magic:X8}, expected 0x{IdxFile.LabelsMagic:X8} (labels).");
        int n = images.Dims[0], rows = images.Dims[1], cols = images.Dims[2];
        if (labels.Dims[0] != n)
            throw new InvalidDataException($"{labelsName}: {labels.Dims[0]} labels for the {n} images of {imagesName}.");
        // A dataset outlives every training step: never take its memory from an active step scope.
        using var suspend = StepScope.Suspend();
        var targets = Tensor.Zeros(new Shape(n), DType.Int64);
        var t = targets.Span<long>();
        for (int i = 0; i < n; i++)
        {
            t[i] = labels.Data[i];
            if (numClasses is { } k && t[i] >= k)
                throw new InvalidDataException($"{labelsName}: label {t[i]} at index {i} is outside 0..{k - 1}.");
        }
        var shape = options.Flatten ? new Shape(n, rows * cols) : new Shape(n, 1, rows, cols);
        var features = Tensor.Zeros(shape, options.DType);
        if (options.DType == DType.Float32) Convert<float>(images.Data, features.Span<float>(), options);
        else Convert<double>(images.Data, features.Span<double>(), options);
        return new TensorDataset(features, targets);
    }

    private static void Convert<T>(byte[] pixels, Span<T> dst, ImageDataOptions options) where T : unmanaged, IFloatingPointIeee754<T>
    {
        // One table entry per byte value, computed with the same operations (and rounding) as torchvision:
        // x = p / 255, then (x − mean) / std, each in the target precision.
        Span<T> table = stackalloc T[256];
        for (int v = 0; v < 256; v++)
        {
            T x = T.CreateTruncating(v);
            if (options.ScaleToUnit) x /= T.CreateTruncating(255);
            if (options.Mean is { } mean && options.Std is { } std)
                x = (x - T.CreateTruncating(mean)) / T.CreateTruncating(std);
            table[v] = x;
        }
        for (int i = 0; i < dst.Length; i++) dst[i] = table[pixels[i]];
    }
}

using System.Globalization;
using Descent.Data;
using Descent.Tensors;

namespace Descent.Experiments;

/// <summary>
/// Reads prediction input for a model rebuilt from a checkpoint and converts it exactly as the training data was
/// converted: CSV experiments through their schema (and standardization), images through the same pixel scaling.
/// </summary>
internal static class PredictionInput
{
    /// <summary>Columns ignored in a CSV of raw values (a label column left in by the user).</summary>
    private static readonly string[] LabelColumns = ["label", "class", "target", "y"];

    public static Tensor Read(string path, CheckpointModelInfo info)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such input file.", path);
        var name = System.IO.Path.GetFileName(path).ToLowerInvariant();
        bool csv = name.EndsWith(".csv", StringComparison.Ordinal);
        bool idx = !csv && (name.EndsWith(".gz", StringComparison.Ordinal) || name.Contains("idx", StringComparison.Ordinal) || name.Contains("ubyte", StringComparison.Ordinal));
        if (!csv && !idx) throw new ArgumentException($"{path}: expected a .csv file or an IDX file (.idx, -ubyte, optionally .gz).");
        var config = info.Config;
        var dtype = ExperimentBuilder.ParseDType(config.Model.DType);
        switch (config.Data.Dataset)
        {
            case "csv":
            {
                if (!csv) throw new ArgumentException($"{path}: this model was trained on CSV data; give a CSV file with its columns.");
                var data = ExperimentDataLoader.Load(config);
                var features = data.CsvSchema!.Transform(path);
                return data.FeatureTransform is { } t ? t.Apply(features) : features;
            }
            case "fashion-mnist":
            {
                var images = idx ? IdxReader.ReadImages(path) : ImagesFromCsv(path, info.InputShape);
                if (images.Dims[1] != info.InputShape[1] || images.Dims[2] != info.InputShape[2])
                    throw new InvalidDataException($"{path}: images are {images.Dims[1]}×{images.Dims[2]}, the model expects {info.InputShape[1]}×{info.InputShape[2]}.");
                int n = images.Dims[0];
                var labels = new IdxFile(IdxDataType.UInt8, [n], new byte[n]);
                return MnistFormat.Load(images, path, labels, path, ExperimentDataLoader.ImageOptions(config.Data, dtype)).Features;
            }
            default:
            {
                if (!csv) throw new ArgumentException($"{path}: this model was trained on synthetic data; give a CSV file with {info.InputShape[0]} feature columns.");
                var features = NumericCsv(path, info.InputShape[0], dtype);
                var data = ExperimentDataLoader.Load(config);
                return data.FeatureTransform is { } t ? t.Apply(features) : features;
            }
        }
    }

    private static (string[] Header, List<string[]> Rows, List<int> RowNumbers, int[] Columns) Table(string path, int expected)
    {
        using var reader = new StreamReader(path);
        var table = CsvTable.Read(reader, path, null);
        var columns = Enumerable.Range(0, table.Header.Length)
            .Where(c => !LabelColumns.Contains(table.Header[c].Trim().ToLowerInvariant())).ToArray();
        if (columns.Length != expected)
            throw new InvalidDataException($"{path}: {columns.Length} value columns, the model expects {expected} (a column named label, class, target or y is ignored).");
        return (table.Header, table.Rows, table.RowNumbers, columns);
    }

    private static Tensor NumericCsv(string path, int width, DType dtype)
    {
        var (header, rows, numbers, columns) = Table(path, width);
        var values = new double[rows.Count * width];
        for (int r = 0; r < rows.Count; r++)
            for (int c = 0; c < width; c++)
            {
                var cell = columns[c] < rows[r].Length ? rows[r][columns[c]] : "";
                if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out values[r * width + c]))
                    throw new InvalidDataException($"{path}: row {numbers[r]}, column '{header[columns[c]]}': '{cell}' is not a number.");
            }
        return Tensor.FromArray(values, rows.Count, width).To(dtype);
    }

    /// <summary>Images from a CSV of raw pixel values 0–255, one image per row (row-major pixels).</summary>
    private static IdxFile ImagesFromCsv(string path, int[] inputShape)
    {
        int h = inputShape[1], w = inputShape[2];
        var (header, rows, numbers, columns) = Table(path, h * w);
        var pixels = new byte[rows.Count * h * w];
        for (int r = 0; r < rows.Count; r++)
            for (int c = 0; c < columns.Length; c++)
            {
                var cell = columns[c] < rows[r].Length ? rows[r][columns[c]] : "";
                if (!int.TryParse(cell, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) || v is < 0 or > 255)
                    throw new InvalidDataException($"{path}: row {numbers[r]}, column '{header[columns[c]]}': '{cell}' is not a pixel value 0–255.");
                pixels[r * h * w + c] = (byte)v;
            }
        return new IdxFile(IdxDataType.UInt8, [rows.Count, h, w], pixels);
    }
}

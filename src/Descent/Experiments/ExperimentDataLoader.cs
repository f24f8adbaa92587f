using Descent.Data;
using Descent.Tensors;

namespace Descent.Experiments;

/// <summary>Loads and splits the data an <see cref="ExperimentConfig"/> describes.</summary>
public static class ExperimentDataLoader
{
    /// <summary>Loads the data set, splits off the test (when it has no test split) and validation parts, and subsamples.</summary>
    public static ExperimentData Load(ExperimentConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var d = config.Data;
        var dtype = ExperimentBuilder.ParseDType(config.Model.DType);
        var data = d.Dataset switch
        {
            "fashion-mnist" => FashionMnistData(d, dtype),
            "csv" => CsvData(d, config.Seed, dtype),
            "synthetic" => SyntheticSet(d, config.Seed, dtype),
            _ => throw new ArgumentException($"data.dataset: unknown data set '{d.Dataset}'."),
        };
        var train = data.Train;
        var test = data.Test;
        if (d.TrainSamples > 0 && d.TrainSamples < train.Count) train = Sample(train, d.TrainSamples, SeedMixer.Mix(config.Seed, 0x5452_4149_4E));
        if (d.TestSamples > 0 && d.TestSamples < test.Count) test = Sample(test, d.TestSamples, SeedMixer.Mix(config.Seed, 0x5445_5354));
        IDataset? validation = null;
        if (d.Validation > 0)
        {
            var (t, v) = DataSplits.TrainValidation(train, d.Validation, SeedMixer.Mix(config.Seed, 0x5641_4C), stratify: data.IsClassification && d.Stratify);
            (train, validation) = (t, v);
        }
        if (train.Count == 0) throw new ArgumentException("data: no training samples are left after the splits.");
        var augmentation = Augmentation(d, data.InputShape);
        return data with { Train = train, Validation = validation, Test = test, Augmentation = augmentation };
    }

    /// <summary>The training loader's random transform that <paramref name="d"/>'s <c>augmentation:</c> asks for, or null.</summary>
    internal static IBatchTransform? Augmentation(DataConfig d, int[] inputShape)
    {
        if (d.Augmentation.RandomCrop <= 0 && d.Augmentation.HFlip <= 0) return null;
        if (inputShape.Length != 3)
            throw new ArgumentException($"data.augmentation: random_crop and hflip need image data [C, H, W], this data set has samples of shape [{string.Join(", ", inputShape)}].");
        var list = new List<IBatchTransform>();
        if (d.Augmentation.RandomCrop > 0) list.Add(new RandomCrop(inputShape[1], inputShape[2], d.Augmentation.RandomCrop));
        if (d.Augmentation.HFlip > 0) list.Add(new RandomHorizontalFlip(d.Augmentation.HFlip));
        return list.Count == 1 ? list[0] : new Compose([.. list]);
    }

    /// <summary>The pixel conversion of Fashion-MNIST for <paramref name="data"/> (scale to [0, 1], optionally standardize).</summary>
    public static ImageDataOptions ImageOptions(DataConfig data, DType dtype) => new()
    {
        ScaleToUnit = true,
        Mean = data.Normalize ? FashionMnist.Mean : null,
        Std = data.Normalize ? FashionMnist.Std : null,
        DType = dtype,
    };

    private static ExperimentData FashionMnistData(DataConfig d, DType dtype)
    {
        var source = d.Source switch
        {
            "full" => FashionMnistSource.Full,
            "embedded" => FashionMnistSource.Embedded,
            _ => FashionMnistSource.Auto,
        };
        var location = FashionMnist.Locate(d.Dir, source);
        var options = new FashionMnistOptions { Normalize = d.Normalize, DType = dtype };
        return new ExperimentData
        {
            Train = FashionMnist.Load(location, DataSplit.Train, options),
            Test = FashionMnist.Load(location, DataSplit.Test, options),
            InputShape = [1, 28, 28],
            Classes = FashionMnist.NumClasses,
            ClassNames = FashionMnist.ClassNames,
            ImageOptions = ImageOptions(d, dtype),
            Description = location.ToString(),
        };
    }

    /// <summary>Loads the CSV training file of <paramref name="d"/> (also used by prediction to rebuild the schema).</summary>
    /// <remarks><paramref name="classes"/> (the training file's classes when loading its test file) replaces the declared ones.</remarks>
    public static CsvData LoadCsv(DataConfig d, DType dtype, string? path = null, IReadOnlyList<string>? classes = null) =>
        CsvLoader.Load(path ?? d.Csv.Path!, new CsvOptions
        {
            Classes = classes ?? (d.Csv.Classes.Count > 0 ? d.Csv.Classes : null),
            Target = d.Csv.Target,
            TargetKind = d.Csv.Task switch
            {
                "classification" => CsvTargetKind.Classification,
                "regression" => CsvTargetKind.Regression,
                _ => CsvTargetKind.Auto,
            },
            Ignore = d.Csv.Ignore,
            Missing = d.Csv.Missing switch
            {
                "drop" => MissingValuePolicy.DropRows,
                "fill" => MissingValuePolicy.Fill,
                _ => MissingValuePolicy.Error,
            },
            DType = dtype,
        });

    private static ExperimentData CsvData(DataConfig d, long seed, DType dtype)
    {
        var csv = LoadCsv(d, dtype);
        var all = csv.Dataset;
        IDataset train = all, test;
        if (d.Csv.Test is { } testPath)
        {
            // The test file's labels are read as the training file's classes (a label it has not seen is refused by row),
            // or as regression targets when the training file's are.
            var t = csv.Schema.IsClassification ? LoadCsv(d, dtype, testPath, csv.Schema.ClassNames) : LoadCsv(d with { Csv = d.Csv with { Task = "regression" } }, dtype, testPath);
            if (!t.Schema.FeatureNames.SequenceEqual(csv.Schema.FeatureNames) || !t.Schema.ClassNames.SequenceEqual(csv.Schema.ClassNames))
                throw new InvalidDataException($"{testPath}: its columns or categories encode differently from {d.Csv.Path} " +
                    $"(features [{string.Join(", ", t.Schema.FeatureNames)}] vs [{string.Join(", ", csv.Schema.FeatureNames)}]); give files with the same categories, or leave out csv.test.");
            test = t.Dataset;
        }
        else
        {
            (train, test) = DataSplits.TrainValidation(all, d.TestFraction, SeedMixer.Mix(seed, 0x54_4553_54), stratify: csv.Schema.IsClassification && d.Stratify);
        }
        return new ExperimentData
        {
            Train = train,
            Test = test,
            InputShape = [csv.Schema.FeatureCount],
            Classes = csv.Schema.ClassNames.Count,
            ClassNames = csv.Schema.ClassNames,
            CsvSchema = csv.Schema,
            FeatureTransform = d.Normalize ? Normalize.Fit(train.ToTensors().Features) : null,
            Description = $"{d.Csv.Path} ({all.Count} rows, {csv.Schema.FeatureCount} features, target '{d.Csv.Target}')",
            TaskChoice = $"{d.Csv.Path}: {csv.TaskChoice}",
        };
    }

    private static ExperimentData SyntheticSet(DataConfig d, long seed, DType dtype)
    {
        var s = d.Synthetic;
        long dataSeed = SeedMixer.Mix(seed, 0x53_594E_5448);
        TensorDataset all = s.Kind switch
        {
            "linear" => SyntheticData.LinearRegression(s.Samples, Enumerable.Repeat(2.0, s.Features).ToArray(), 1.0, s.Noise, dataSeed, dtype),
            "blobs" => SyntheticData.Blobs(s.Samples, s.Classes, s.Features, std: s.Noise > 0 ? s.Noise : 1.0, seed: dataSeed, dtype: dtype),
            "spirals" => SyntheticData.TwoSpirals(s.Samples, s.Noise, dataSeed, dtype),
            _ => SyntheticData.Xor(s.Samples, s.Noise, dataSeed, dtype),
        };
        int classes = s.Kind switch { "linear" => 0, "blobs" => s.Classes, _ => 2 };
        var (train, test) = DataSplits.TrainValidation(all, d.TestFraction, SeedMixer.Mix(seed, 0x54_4553_54), stratify: classes > 0 && d.Stratify);
        return new ExperimentData
        {
            Train = train,
            Test = test,
            InputShape = [.. all.FeatureShape.ToArray()],
            Classes = classes,
            ClassNames = Enumerable.Range(0, classes).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList(),
            FeatureTransform = d.Normalize ? Normalize.Fit(train.ToTensors().Features) : null,
            Description = $"synthetic {s.Kind} ({s.Samples} samples)",
        };
    }

    /// <summary>A seeded random subset of <paramref name="count"/> samples, in the data set's order.</summary>
    private static Subset Sample(IDataset data, int count, long seed)
    {
        var rng = new Generator(seed);
        var idx = Enumerable.Range(0, data.Count).ToArray();
        for (int i = 0; i < count; i++)
        {
            int j = i + (int)rng.NextInt64(idx.Length - i);
            (idx[i], idx[j]) = (idx[j], idx[i]);
        }
        var chosen = idx[..count];
        Array.Sort(chosen);
        return new Subset(data, chosen);
    }
}

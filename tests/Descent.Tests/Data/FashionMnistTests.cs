using Descent.Data;
using Descent.Tensors;

namespace Descent.Tests.Data;

/// <summary>A fact that runs only where the Debian package dataset-fashion-mnist is installed.</summary>
public sealed class FullFashionMnistFactAttribute : FactAttribute
{
    public FullFashionMnistFactAttribute()
    {
        if (!File.Exists(Path.Combine(FashionMnist.DefaultDirectory, "train-images-idx3-ubyte.gz")))
            Skip = $"Fashion-MNIST is not installed at {FashionMnist.DefaultDirectory} (Debian package dataset-fashion-mnist).";
    }
}

public class FashionMnistTests
{
    private static readonly FashionMnistOptions Embedded = new() { Source = FashionMnistSource.Embedded };

    [Fact]
    public void EmbeddedSubsetHasTheExpectedCountsAndBalance()
    {
        var train = FashionMnist.Load(DataSplit.Train, options: Embedded);
        var test = FashionMnist.Load(DataSplit.Test, options: Embedded);
        Assert.Equal(new Shape(10_000, 1, 28, 28), train.Features.Shape);
        Assert.Equal(new Shape(2_000, 1, 28, 28), test.Features.Shape);
        Assert.Equal(FashionMnist.EmbeddedTrainCount, train.Count);
        Assert.Equal(FashionMnist.EmbeddedTestCount, test.Count);
        Assert.All(train.ClassCounts(), c => Assert.Equal(1000, c));
        Assert.All(test.ClassCounts(), c => Assert.Equal(200, c));
        Assert.Equal(10, train.ClassCounts().Length);
        var pixels = train.Features.ToArray<float>();
        Assert.Equal(0f, pixels.Min());
        Assert.Equal(1f, pixels.Max());
        // Images are real pictures, not blank: around 29% mean intensity like the full set.
        Assert.InRange(pixels.Average(), 0.25, 0.33);
    }

    [Fact]
    public void EmbeddedResourcesStayUnderFiveMegabytes()
    {
        var asm = typeof(FashionMnist).Assembly;
        long total = 0;
        foreach (var name in asm.GetManifestResourceNames().Where(n => n.StartsWith("Descent.Data.Embedded.")))
        {
            using var s = asm.GetManifestResourceStream(name)!;
            total += s.Length;
        }
        Assert.InRange(total, 1_000_000, 5 * 1024 * 1024);
    }

    [Fact]
    public void OptionsScaleNormalizeFlattenAndDType()
    {
        var raw = FashionMnist.Load(DataSplit.Test, options: Embedded with { ScaleToUnit = false });
        var scaled = FashionMnist.Load(DataSplit.Test, options: Embedded);
        var norm = FashionMnist.Load(DataSplit.Test, options: Embedded with { Normalize = true, Flatten = true, DType = DType.Float64 });
        Assert.Equal(new Shape(2_000, 784), norm.Features.Shape);
        Assert.Equal(DType.Float64, norm.FeatureDType);
        var r = raw.Features.ToArray<float>();
        var s = scaled.Features.ToArray<float>();
        var n = norm.Features.ToArray<double>();
        Assert.Equal(255f, r.Max());
        for (int i = 0; i < 5000; i += 37)
        {
            Assert.Equal(r[i] / 255f, s[i]);
            Assert.Equal((r[i] / 255.0 - 0.2860) / 0.3530, n[i], 12);
        }
        Assert.Throws<ArgumentException>(() => FashionMnist.Load(DataSplit.Test, options: Embedded with { ScaleToUnit = false, Normalize = true }));
    }

    [Fact]
    public void LoadingInsideAStepScopeGivesALongLivedDataset()
    {
        TensorDataset test;
        using (StepScope.Begin())
            test = FashionMnist.Load(DataSplit.Test, options: Embedded);
        Assert.Equal(2_000, test.Targets.ToArray<long>().Length);
        Assert.False(test.Features.Storage.IsDisposed);
    }

    [Fact]
    public void ClassNamesAreIndexedByLabel()
    {
        Assert.Equal(10, FashionMnist.ClassNames.Count);
        Assert.Equal("T-shirt/top", FashionMnist.ClassNames[0]);
        Assert.Equal("Ankle boot", FashionMnist.ClassNames[9]);
    }

    [Fact]
    public void AGivenFolderIsUsedAndMustBeComplete()
    {
        var dir = DataTestUtil.TempDir();
        try
        {
            var missing = Assert.Throws<FileNotFoundException>(() => FashionMnist.Locate(dir));
            Assert.Contains("train-images-idx3-ubyte.gz", missing.Message);
            Assert.Contains(dir, missing.Message);
            // A tiny stand-in set; raw (unzipped) files are accepted too.
            WriteSet(dir, "train", 30, gz: true);
            WriteSet(dir, "t10k", 20, gz: false);
            var location = FashionMnist.Locate(dir);
            Assert.False(location.IsEmbedded);
            var test = FashionMnist.Load(DataSplit.Test, dir);
            Assert.Equal(20, test.Count);
            Assert.Equal([2, 2, 2, 2, 2, 2, 2, 2, 2, 2], test.ClassCounts());
            Assert.Equal(30, FashionMnist.Load(DataSplit.Train, dir).Count);

            // A damaged file fails with its path and the reason.
            var images = Path.Combine(dir, "t10k-images-idx3-ubyte");
            File.WriteAllBytes(images, File.ReadAllBytes(images)[..1000]);
            var ex = Assert.Throws<InvalidDataException>(() => FashionMnist.Load(DataSplit.Test, dir));
            Assert.Equal($"{images}: truncated: header says 20×28×28 = 15680 bytes of pixels, found 984.", ex.Message);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void EmbeddedSourceIgnoresTheFolders()
    {
        Assert.True(FashionMnist.Locate(null, FashionMnistSource.Embedded).IsEmbedded);
        Assert.Contains("embedded", FashionMnist.Locate(null, FashionMnistSource.Embedded).ToString());
    }

    [FullFashionMnistFact]
    public void FullSetIsFoundAutomatically()
    {
        var location = FashionMnist.Locate();
        Assert.False(location.IsEmbedded);
        Assert.Equal(FashionMnist.DefaultDirectory, location.Directory);
        var test = FashionMnist.Load(DataSplit.Test);
        Assert.Equal(10_000, test.Count);
        Assert.All(test.ClassCounts(), c => Assert.Equal(1000, c));
    }

    [FullFashionMnistFact]
    public void StandardConstantsMatchTheTrainingPixels()
    {
        var train = FashionMnist.Load(DataSplit.Train, options: new FashionMnistOptions { Source = FashionMnistSource.Full, DType = DType.Float64 });
        Assert.Equal(60_000, train.Count);
        var p = train.Features.Span<double>();
        double sum = 0, sq = 0;
        foreach (double v in p) { sum += v; sq += v * v; }
        double mean = sum / p.Length, std = Math.Sqrt(sq / p.Length - mean * mean);
        Assert.Equal(FashionMnist.Mean, mean, 3);
        Assert.Equal(FashionMnist.Std, std, 3);
    }

    [FullFashionMnistFact]
    public void EmbeddedSubsetIsTheFirstImagesOfEachClass()
    {
        // Re-derive the selection of bench/data/make_fashion_subset.py from the Debian files.
        foreach (var (split, perClass) in new[] { (DataSplit.Test, 200), (DataSplit.Train, 1000) })
        {
            var images = IdxReader.ReadImages(Path.Combine(FashionMnist.DefaultDirectory, FashionMnist.FileName(split, true)));
            var labels = IdxReader.ReadLabels(Path.Combine(FashionMnist.DefaultDirectory, FashionMnist.FileName(split, false)));
            var taken = new int[10];
            var chosen = new List<int>();
            for (int i = 0; i < labels.Data.Length; i++)
                if (taken[labels.Data[i]] < perClass) { taken[labels.Data[i]]++; chosen.Add(i); }
            var embedded = FashionMnist.Load(split, options: new FashionMnistOptions { Source = FashionMnistSource.Embedded, ScaleToUnit = false });
            var pixels = embedded.Features.Span<float>();
            var ids = embedded.Targets.Span<long>();
            Assert.Equal(chosen.Count, embedded.Count);
            for (int k = 0; k < chosen.Count; k++)
            {
                Assert.Equal(labels.Data[chosen[k]], ids[k]);
                for (int j = 0; j < 784; j += 7)
                    Assert.Equal(images.Data[chosen[k] * 784 + j], pixels[k * 784 + j]);
            }
        }
    }

    private static void WriteSet(string dir, string prefix, int n, bool gz)
    {
        var pixels = new byte[n * 784];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = (byte)(i % 256);
        var labels = Enumerable.Range(0, n).Select(i => (byte)(i % 10)).ToArray();
        string ext = gz ? ".gz" : "";
        IdxFile.FromBytes(pixels, n, 28, 28).Write(Path.Combine(dir, $"{prefix}-images-idx3-ubyte{ext}"));
        IdxFile.FromBytes(labels, n).Write(Path.Combine(dir, $"{prefix}-labels-idx1-ubyte{ext}"));
    }
}

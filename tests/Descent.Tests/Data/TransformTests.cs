using Descent.Data;
using Descent.Tensors;

namespace Descent.Tests.Data;

public class TransformTests
{
    private static Tensor Images(int b, int c, int h, int w, DType dtype = DType.Float32)
    {
        var v = new double[b * c * h * w];
        for (int i = 0; i < v.Length; i++) v[i] = 1 + i; // non-zero, distinct: padding zeros are recognisable
        return Tensor.FromArray(v, b, c, h, w).To(dtype);
    }

    [Fact]
    public void NormalizePerChannelSubtractsThenDivides()
    {
        var x = Images(2, 3, 2, 2);
        double[] mean = [1, 5, 9], std = [2, 0.5, 4];
        var y = new Normalize(mean, std).Apply(x);
        var xv = x.ToFloatArray();
        var yv = y.ToFloatArray();
        for (int i = 0; i < xv.Length; i++)
        {
            int c = i / 4 % 3;
            Assert.Equal((xv[i] - (float)mean[c]) / (float)std[c], yv[i]);
        }
    }

    [Fact]
    public void NormalizeGlobalWorksOnAnyShapeAndFloat64()
    {
        var x = Tensor.FromArray(new double[] { 1, 2, 3, 4, 5, 6 }, 3, 2);
        var y = new Normalize(2, 4).Apply(x);
        Assert.Equal(new[] { -0.25, 0, 0.25, 0.5, 0.75, 1 }, y.ToDoubleArray());
        Assert.Throws<ArgumentException>(() => new Normalize([0.5, 0.5], [1, 1]).Apply(Images(1, 3, 2, 2)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Normalize(0, 0));
    }

    [Fact]
    public void NormalizeFitStandardizesEachFeature()
    {
        var x = Tensor.FromArray(new double[] { 1, 10, 5, 3, 20, 5, 5, 30, 5 }, 3, 3);
        var norm = Normalize.Fit(x);
        Assert.Equal(new[] { 3.0, 20, 5 }, norm.Mean);
        Assert.Equal(Math.Sqrt(8.0 / 3), norm.Std[0], 12);
        Assert.Equal(1, norm.Std[2]); // constant feature: std 1, as scikit-learn
        var y = norm.Apply(x).ToDoubleArray();
        for (int f = 0; f < 3; f++)
        {
            var col = new[] { y[f], y[3 + f], y[6 + f] };
            Assert.Equal(0, col.Average(), 12);
            Assert.Equal(f == 2 ? 0 : 1, Math.Sqrt(col.Select(v => v * v).Average()), 12);
        }
        // Float32 tabular batches take the row-vector path: same values as subtract-then-divide per element.
        var x32 = x.To(DType.Float32);
        var y32 = norm.Apply(x32).ToArray<float>();
        var v32 = x32.ToArray<float>();
        for (int i = 0; i < 9; i++) Assert.Equal((v32[i] - (float)norm.Mean[i % 3]) / (float)norm.Std[i % 3], y32[i]);
    }

    [Fact]
    public void StandaloneTransformsLeaveTheInputUntouched()
    {
        var x = Images(4, 1, 3, 3);
        var before = x.ToFloatArray();
        var t = new Compose(new Normalize(1, 2), new RandomCrop(3, padding: 1), new RandomHorizontalFlip(1.0));
        var y = t.Apply(x, new Generator(1));
        Assert.Equal(before, x.ToFloatArray());
        Assert.NotEqual(before, y.ToFloatArray());
    }

    [Fact]
    public void FlattenIsAView()
    {
        var x = Images(2, 3, 4, 5);
        var y = new Flatten().Apply(x);
        Assert.Equal(new Shape(2, 60), y.Shape);
        Assert.Same(x.Storage, y.Storage);
    }

    [Fact]
    public void OneHotEncodesAndValidates()
    {
        var ids = Tensor.FromArray(new long[] { 2, 0, 1 }, 3);
        var y = new OneHot(3).Apply(ids);
        Assert.Equal(new Shape(3, 3), y.Shape);
        Assert.Equal(new double[] { 0, 0, 1, 1, 0, 0, 0, 1, 0 }, y.ToDoubleArray());
        Assert.Equal(DType.Float64, new OneHot(3, DType.Float64).Apply(ids).DType);
        var ex = Assert.Throws<ArgumentException>(() => new OneHot(2).Apply(ids));
        Assert.Contains("class id 2 at position 0", ex.Message);
        Assert.Throws<ArgumentException>(() => new OneHot(3).Apply(Tensor.Zeros(3)));
    }

    [Fact]
    public void HorizontalFlipMirrorsRowsOfChosenSamples()
    {
        var x = Images(2, 2, 2, 3);
        var always = new RandomHorizontalFlip(1.0).Apply(x);
        var xv = x.ToFloatArray();
        var fv = always.ToFloatArray();
        for (int i = 0; i < xv.Length; i++)
        {
            int col = i % 3, rowStart = i - col;
            Assert.Equal(xv[rowStart + 2 - col], fv[i]);
        }
        Assert.Equal(xv, new RandomHorizontalFlip(0.0).Apply(x).ToFloatArray());
    }

    [Fact]
    public void HorizontalFlipFlipsAboutHalfTheSamples()
    {
        var x = Images(1000, 1, 1, 2);
        var y = new RandomHorizontalFlip().Apply(x, new Generator(3)).ToFloatArray();
        int flipped = 0;
        for (int s = 0; s < 1000; s++) if (y[2 * s] > y[2 * s + 1]) flipped++;
        Assert.InRange(flipped, 440, 560);
    }

    [Theory]
    [InlineData(4, 4, 1)]   // same size: in-place shift path
    [InlineData(3, 5, 2)]   // other size: separate output
    [InlineData(6, 6, 1)]   // crop as large as the padded image: a single possible window
    public void RandomCropMatchesPaddingThenCutting(int height, int width, int padding)
    {
        var x = Images(5, 2, 4, 4, DType.Float64);
        var crop = new RandomCrop(height, width, padding);
        var y = crop.Apply(x, new Generator(7));
        Assert.Equal(new Shape(5, 2, height, width), y.Shape);
        // Reference: materialize the zero-padded image and cut the window at the same draws (top, then left).
        var rng = new Generator(7);
        int hp = 4 + 2 * padding, wp = 4 + 2 * padding;
        for (int s = 0; s < 5; s++)
        {
            int top = (int)rng.NextInt64(hp - height + 1), left = (int)rng.NextInt64(wp - width + 1);
            for (int c = 0; c < 2; c++)
                for (int r = 0; r < height; r++)
                    for (int q = 0; q < width; q++)
                    {
                        int sr = top + r - padding, sq = left + q - padding;
                        double expected = sr is >= 0 and < 4 && sq is >= 0 and < 4 ? x[s, c, sr, sq] : 0;
                        Assert.Equal(expected, y[s, c, r, q]);
                    }
        }
    }

    [Fact]
    public void RandomCropInPlaceInsideALoaderMatchesStandalone()
    {
        // The loader's in-place shift must give what the out-of-place path gives for the same draws.
        var ds = new TensorDataset(Images(8, 3, 5, 5), Tensor.FromArray(new long[8], 8));
        var crop = new RandomCrop(5, padding: 2, fill: -1);
        var loader = new DataLoader(ds, new DataLoaderOptions { BatchSize = 8, Seed = 4, Transform = crop });
        float[] inLoader = [];
        foreach (var (x, _) in loader.Epoch(0)) inLoader = x.ToFloatArray();
        // A loader with the same seed hands the same per-batch generator to its transform; capture it.
        var capture = new Capture();
        foreach (var _ in new DataLoader(ds, new DataLoaderOptions { BatchSize = 8, Seed = 4, Transform = capture }).Epoch(0)) { }
        var reference = crop.Apply(ds.Features, capture.Generator!).ToFloatArray();
        Assert.Equal(reference, inLoader);
        Assert.NotEqual(ds.Features.ToFloatArray(), inLoader);
        Assert.Contains(-1f, inLoader);
    }

    [Fact]
    public void RandomCropValidatesSizes()
    {
        Assert.Throws<ArgumentException>(() => new RandomCrop(7, padding: 1).Apply(Images(1, 1, 4, 4)));
        Assert.Throws<ArgumentException>(() => new RandomCrop(2).Apply(Tensor.Zeros(2, 4, 4)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RandomCrop(2, padding: -1));
    }

    /// <summary>Records a copy of the generator the loader hands to transforms.</summary>
    private sealed class Capture : IBatchTransform
    {
        public Generator? Generator { get; private set; }

        public Tensor Apply(Tensor batch, TransformContext context)
        {
            Generator = new Generator(0);
            Generator.SetState(context.Generator.GetState());
            return batch;
        }
    }
}

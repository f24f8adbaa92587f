using Descent.Tuning;

namespace Descent.Tests.Tuning;

public class SobolTests
{
    [Fact]
    public void FirstPointsMatchJoeKuo()
    {
        // The first ten 3-D points of the Joe–Kuo generator (sobol.cc with new-joe-kuo-6.21201).
        double[][] expected =
        [
            [0, 0, 0], [0.5, 0.5, 0.5], [0.75, 0.25, 0.25], [0.25, 0.75, 0.75], [0.375, 0.375, 0.625],
            [0.875, 0.875, 0.125], [0.625, 0.125, 0.875], [0.125, 0.625, 0.375], [0.1875, 0.3125, 0.9375], [0.6875, 0.8125, 0.4375],
        ];
        var sobol = new SobolSequence(3);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], sobol.Point(i));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void EveryDimensionIsAZeroMOneNet(bool scramble)
    {
        // Each coordinate of the first 2^m points hits each of the 2^m dyadic cells exactly once: a
        // property of correct direction numbers (a wrong m_i breaks it) that scrambling preserves.
        var sobol = new SobolSequence(SobolSequence.MaxDimensions, scramble, seed: 11);
        const int m = 10, n = 1 << m;
        var hits = new int[SobolSequence.MaxDimensions, n];
        var p = new double[SobolSequence.MaxDimensions];
        for (int i = 0; i < n; i++)
        {
            sobol.Point(i, p);
            for (int d = 0; d < p.Length; d++)
            {
                if (p[d] is < 0 or >= 1) Assert.Fail($"point {i} dimension {d} = {p[d]} outside [0, 1)");
                hits[d, (int)(p[d] * n)]++;
            }
        }
        int bad = 0;
        foreach (var h in hits) if (h != 1) bad++;
        Assert.Equal(0, bad);
    }

    [Fact]
    public void TwoDimensionalProjectionsAreStratified()
    {
        // Dimensions 1 and 2 form a (0, m, 2)-net: every 2^a × 2^(m−a) box of the first 2^m points holds one point.
        var sobol = new SobolSequence(2, scramble: true, seed: 3);
        const int m = 8, n = 1 << m;
        for (int a = 0; a <= m; a++)
        {
            var seen = new HashSet<(int, int)>();
            for (int i = 0; i < n; i++)
            {
                var p = sobol.Point(i);
                Assert.True(seen.Add(((int)(p[0] * (1 << a)), (int)(p[1] * (1 << (m - a))))), $"box collision at a={a}");
            }
        }
    }

    [Fact]
    public void ScrambledSequencesDependOnTheSeedOnly()
    {
        Assert.Equal(new SobolSequence(5, true, 7).Point(13), new SobolSequence(5, true, 7).Point(13));
        Assert.NotEqual(new SobolSequence(5, true, 7).Point(13), new SobolSequence(5, true, 8).Point(13));
        Assert.NotEqual(new SobolSequence(5, false).Point(13), new SobolSequence(5, true, 7).Point(13));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SobolSequence(SobolSequence.MaxDimensions + 1));
    }

    [Fact]
    public void ScrambledMeanIsUniform()
    {
        var sobol = new SobolSequence(21, scramble: true, seed: 1);
        var sum = new double[21];
        const int n = 4096;
        for (int i = 0; i < n; i++)
        {
            var p = sobol.Point(i);
            for (int d = 0; d < 21; d++) sum[d] += p[d];
        }
        // A 2^12-point net integrates x to within ~1/n; plain random points would be off by ~0.005.
        Assert.All(sum, s => Assert.Equal(0.5, s / n, 3));
    }
}

using Descent.Tuning;

namespace Descent.Tests.Tuning;

public class DistributionTests
{
    private static Trial NewTrial() => Study.Create(new StudyOptions { Sampler = new RandomSampler(1) }).Ask();

    [Fact]
    public void SuggestFloatWithLowAboveHighNamesTheParameter()
    {
        var e = Assert.Throws<ArgumentException>(() => NewTrial().SuggestFloat("lr", 1, 0));
        Assert.StartsWith("lr: low 1 > high 0", e.Message);
    }

    [Fact]
    public void LogRangesNeedPositiveLow()
    {
        var t = NewTrial();
        Assert.StartsWith("lr: log scale needs low > 0, got low 0", Assert.Throws<ArgumentException>(() => t.SuggestFloat("lr", 0, 1, log: true)).Message);
        Assert.StartsWith("n: log scale needs low >= 1, got low 0", Assert.Throws<ArgumentException>(() => t.SuggestInt("n", 0, 8, log: true)).Message);
        Assert.StartsWith("x: step is not supported together with log", Assert.Throws<ArgumentException>(() => t.SuggestFloat("x", 1, 2, log: true, step: 0.5)).Message);
        Assert.StartsWith("x: step must be > 0", Assert.Throws<ArgumentException>(() => t.SuggestFloat("x", 1, 2, step: 0)).Message);
        Assert.StartsWith("k: step must be >= 1", Assert.Throws<ArgumentException>(() => t.SuggestInt("k", 1, 2, step: 0)).Message);
        Assert.StartsWith("x: low and high must be finite", Assert.Throws<ArgumentException>(() => t.SuggestFloat("x", double.NaN, 2)).Message);
    }

    [Fact]
    public void ResuggestingWithTheSameDistributionReturnsTheSameValue()
    {
        var t = NewTrial();
        double a = t.SuggestFloat("x", 0, 1);
        Assert.Equal(a, t.SuggestFloat("x", 0, 1));
        int k = t.SuggestInt("k", 1, 100, log: true);
        Assert.Equal(k, t.SuggestInt("k", 1, 100, log: true));
        string c = t.SuggestCategorical("opt", "adam", "sgd");
        Assert.Equal(c, t.SuggestCategorical("opt", "adam", "sgd"));
    }

    [Fact]
    public void ResuggestingWithAnotherDistributionIsAnError()
    {
        var t = NewTrial();
        t.SuggestFloat("x", 0, 1);
        var e = Assert.Throws<ArgumentException>(() => t.SuggestFloat("x", 0, 2));
        Assert.StartsWith("x: already suggested in this trial", e.Message);
        t.SuggestCategorical("c", "a", "b");
        Assert.Throws<ArgumentException>(() => t.SuggestCategorical("c", "a", "b", "d"));
    }

    [Fact]
    public void StepAdjustsHighOntoTheGrid()
    {
        Assert.Equal(0.9, new FloatDistribution(0, 1, step: 0.3).High, 12);
        Assert.Equal(1.0, new FloatDistribution(0.1, 1.0, step: 0.1).High);
        Assert.Equal(9, new IntDistribution(1, 10, step: 2).High);
        Assert.True(new FloatDistribution(0, 1, step: 0.25).Contains(0.75));
        Assert.False(new FloatDistribution(0, 1, step: 0.25).Contains(0.7));
        Assert.False(new IntDistribution(1, 9, step: 2).Contains(4));
    }

    [Fact]
    public void InternalRepresentationRoundTrips()
    {
        var c = new CategoricalDistribution(["a", 1, 2.5, true, null]);
        Assert.Equal([(object?)"a", 1L, 2.5, true, null], c.Choices);
        for (int i = 0; i < c.Choices.Count; i++)
            Assert.Equal((double)i, c.ToInternal(c.ToExternal(i)));
        Assert.Equal(1.0, c.ToInternal(1));        // int normalizes to the long choice
        Assert.Throws<ArgumentException>(() => c.ToInternal(1.0)); // 1.0 is a different choice than 1
        var i32 = new IntDistribution(1, 5);
        Assert.Equal(3, i32.ToExternal(i32.ToInternal(3)));
        Assert.Throws<ArgumentException>(() => i32.ToInternal(2.5));
    }

    [Fact]
    public void CategoricalRejectsBadChoices()
    {
        Assert.Throws<ArgumentException>(() => new CategoricalDistribution([]));
        Assert.Throws<ArgumentException>(() => new CategoricalDistribution(["a", "a"]));
        Assert.Throws<ArgumentException>(() => new CategoricalDistribution([new object()]));
    }

    [Fact]
    public void DistributionsAreValueObjects()
    {
        Assert.Equal(new FloatDistribution(0, 1, log: false), new FloatDistribution(0, 1));
        Assert.NotEqual(new FloatDistribution(1, 2, log: true), new FloatDistribution(1, 2));
        Assert.Equal(new CategoricalDistribution(["a", 1]), new CategoricalDistribution(["a", 1L]));
        Assert.Equal(new CategoricalDistribution(["a", 1]).GetHashCode(), new CategoricalDistribution(["a", 1L]).GetHashCode());
        Assert.True(Distribution.AreCompatible(new FloatDistribution(0, 1), new FloatDistribution(5, 9, log: true)));
        Assert.False(Distribution.AreCompatible(new FloatDistribution(0, 1), new IntDistribution(0, 1)));
        Assert.False(Distribution.AreCompatible(new CategoricalDistribution(["a"]), new CategoricalDistribution(["b"])));
    }

    [Fact]
    public void SingleValuedRangesNeedNoSampling()
    {
        var t = NewTrial();
        Assert.Equal(3.0, t.SuggestFloat("x", 3, 3));
        Assert.Equal(7, t.SuggestInt("k", 7, 7));
        Assert.Equal("only", t.SuggestCategorical("c", "only"));
    }

    [Fact]
    public void CategoricalReturnsTheCallersOwnElements()
    {
        var t = NewTrial();
        int width = t.SuggestCategorical("width", 16, 32, 64);
        Assert.Contains(width, new[] { 16, 32, 64 });
        Assert.IsType<int>(t.Params["width"] is long l ? (int)l : t.Params["width"]);
        DayOfWeek d = t.SuggestCategorical("day", DayOfWeek.Monday, DayOfWeek.Friday);
        Assert.Contains(d, new[] { DayOfWeek.Monday, DayOfWeek.Friday });
    }
}

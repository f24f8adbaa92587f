using Descent.Kernels;
using static Descent.Tests.Kernels.KernelTestSupport;

namespace Descent.Tests.Kernels.Reduction;

/// <summary>Max/min reductions and argmax at every length 0..130 with specials, on every SIMD path, against plain loops.</summary>
[Trait("Category", "Kernels")]
[Collection("KernelConfig")]
public class MaxMinKernelTests
{
    // Reference: NaN wins (first one), otherwise the first strict extreme.
    private static (double Value, int Index) Extreme(ReadOnlySpan<double> x, bool isMax)
    {
        int best = 0;
        for (int i = 0; i < x.Length; i++)
        {
            if (double.IsNaN(x[i])) return (x[i], i);
            if (isMax ? x[i] > x[best] : x[i] < x[best]) best = i;
        }
        return (x[best], best);
    }

    [Fact]
    public void FullReductionsAndIndices()
    {
        var rng = new Random(21);
        foreach (var level in Levels())
        {
            using var _ = KernelConfig.Force(level);
            for (int n = 1; n <= MaxLength; n++)
            {
                // Few distinct values so ties are common; NaN only sometimes so the non-NaN path is tested too.
                var x = Inputs(n, rng, r => r.Next(-3, 4), rng.Next(3) == 0 ? Specials : [double.PositiveInfinity, -0.0, 0.0]);
                foreach (bool isMax in new[] { true, false })
                {
                    var (value, index) = Extreme(x, isMax);
                    AssertClose(value, MaxMinKernels.Reduce<double>(x, isMax), 0, false, $"reduce n={n} {level}");
                    AssertClose(value, MaxMinKernels.Reduce<float>(ToFloat(x), isMax), 0, true, $"reduce<float> n={n} {level}");
                    Assert.Equal(index, MaxMinKernels.IndexOf<double>(x, isMax));
                }
            }
        }
    }

    [Fact]
    public void MiddleAxisReductionMatchesPerColumnReference()
    {
        var rng = new Random(22);
        foreach (var level in Levels())
        {
            using var _ = KernelConfig.Force(level);
            foreach (var (outer, reduce, inner) in new[] { (1, 1, 1), (2, 5, 1), (3, 4, 7), (1, 130, 3), (4, 1, 9), (2, 17, 33) })
            {
                var x = Inputs(outer * reduce * inner, rng, r => r.Next(-4, 5));
                var values = new double[outer * inner];
                var indices = new long[outer * inner];
                MaxMinKernels.ReduceMiddle<double>(x, values, indices, outer, reduce, inner, true);
                var column = new double[reduce];
                for (int o = 0; o < outer; o++)
                    for (int i = 0; i < inner; i++)
                    {
                        for (int r = 0; r < reduce; r++) column[r] = x[(o * reduce + r) * inner + i];
                        var (value, index) = Extreme(column, true);
                        AssertClose(value, values[o * inner + i], 0, false, $"[{outer},{reduce},{inner}] at ({o},{i})");
                        Assert.Equal(index, indices[o * inner + i]);
                    }
            }
        }
    }

    [Fact]
    public void EmptyReductionThrows()
    {
        var e = Assert.Throws<DescentInternalException>(() => MaxMinKernels.Reduce<double>([], true));
        Assert.Contains("max", e.Message);
    }
}

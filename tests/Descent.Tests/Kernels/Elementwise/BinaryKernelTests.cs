using Descent.Kernels;
using static Descent.Tests.Kernels.KernelTestSupport;

namespace Descent.Tests.Kernels.Elementwise;

/// <summary>
/// Binary kernels (pow, maximum, minimum, fused sigmoid/tanh backward) in all three layouts, comparisons and
/// select, at every length 0..130 with NaN/±Inf/±0 in both operands, on every SIMD path.
/// </summary>
[Trait("Category", "Kernels")]
[Collection("KernelConfig")]
public class BinaryKernelTests
{
    private static void Sweep<K32, K64>(string name, Func<Random, double> drawA, Func<Random, double> drawB,
        Func<double, double, double> reference, double ulps, bool vvOnly = false, Func<float, float, float>? reference32 = null)
        where K32 : struct, IBinaryKernel<float>
        where K64 : struct, IBinaryKernel<double>
    {
        int seed = 0;
        foreach (char c in name) seed = seed * 31 + c;
        var rng = new Random(seed);
        foreach (var level in Levels())
        {
            using var _ = KernelConfig.Force(level);
            for (int n = 0; n <= MaxLength; n++)
            {
                var a = Inputs(n, rng, drawA);
                var b = Inputs(n, rng, drawB);
                double s = n > 0 ? b[rng.Next(n)] : 1.5;
                var y = new double[n];
                default(K64).VV(a, b, y);
                for (int i = 0; i < n; i++)
                    AssertClose(reference(a[i], b[i]), y[i], ulps, false, () => $"{name}<double>({a[i]:R}, {b[i]:R}) VV [{level}, n={n}]");
                var af = ToFloat(a);
                var bf = ToFloat(b);
                var yf = new float[n];
                default(K32).VV(af, bf, yf);
                for (int i = 0; i < n; i++)
                    AssertClose(reference32?.Invoke(af[i], bf[i]) ?? reference(af[i], bf[i]), yf[i], ulps, true, () => $"{name}<float>({af[i]:R}, {bf[i]:R}) VV [{level}, n={n}]");
                if (vvOnly) continue;
                default(K64).VS(a, s, y);
                for (int i = 0; i < n; i++)
                    AssertClose(reference(a[i], s), y[i], ulps, false, () => $"{name}<double>({a[i]:R}, {s:R}) VS [{level}, n={n}]");
                default(K64).SV(s, a, y);
                for (int i = 0; i < n; i++)
                    AssertClose(reference(s, a[i]), y[i], ulps, false, () => $"{name}<double>({s:R}, {a[i]:R}) SV [{level}, n={n}]");
                default(K32).SV((float)s, af, yf);
                for (int i = 0; i < n; i++)
                    AssertClose(reference32?.Invoke((float)s, af[i]) ?? reference((float)s, af[i]), yf[i], ulps, true, () => $"{name}<float>({(float)s:R}, {af[i]:R}) SV [{level}, n={n}]");
            }
        }
    }

    [Fact]
    public void Pow() => Sweep<PowKernel<float>, PowKernel<double>>("pow",
        r => r.Next(4) == 0 ? -r.Next(5) : LogUniform(r, -3, 3, signed: false), r => r.Next(3) == 0 ? r.Next(-3, 4) : Uniform(r, -4, 4),
        Math.Pow, 2);

    [Fact]
    public void Maximum() => Sweep<MaximumKernel<float>, MaximumKernel<double>>("maximum",
        r => Uniform(r, -3, 3), r => r.Next(4) == 0 ? 1 : Uniform(r, -3, 3), (x, y) => double.IsNaN(x) || double.IsNaN(y) ? double.NaN : Math.Max(x, y), 0);

    [Fact]
    public void Minimum() => Sweep<MinimumKernel<float>, MinimumKernel<double>>("minimum",
        r => Uniform(r, -3, 3), r => r.Next(4) == 0 ? 1 : Uniform(r, -3, 3), (x, y) => double.IsNaN(x) || double.IsNaN(y) ? double.NaN : Math.Min(x, y), 0);

    [Fact]
    public void SigmoidBackward() => Sweep<SigmoidBackwardKernel<float>, SigmoidBackwardKernel<double>>("sigmoid_backward",
        r => Uniform(r, -3, 3), r => r.NextDouble(), (g, y) => g * (1 - y) * y, 2);

    [Fact]
    public void TanhBackward() => Sweep<TanhBackwardKernel<float>, TanhBackwardKernel<double>>("tanh_backward",
        // 1 − y² cancels near |y| = 1, so float32 is checked against the same formula evaluated in float32.
        r => Uniform(r, -3, 3), r => Uniform(r, -1, 1), (g, y) => g * (1 - y * y), 4, reference32: (g, y) => g * (1 - y * y));

    [Fact]
    public void ComparisonsFollowIeee()
    {
        var rng = new Random(5);
        var relations = Enum.GetValues<Comparison>();
        for (int n = 0; n <= MaxLength; n++)
        {
            var a = Inputs(n, rng, r => r.Next(-2, 3));
            var b = Inputs(n, rng, r => r.Next(-2, 3));
            var o = new bool[n];
            foreach (var rel in relations)
            {
                Func<double, double, bool> expected = rel switch
                {
                    Comparison.Eq => (x, y) => x == y,
                    Comparison.Ne => (x, y) => x != y,
                    Comparison.Lt => (x, y) => x < y,
                    Comparison.Le => (x, y) => x <= y,
                    Comparison.Gt => (x, y) => x > y,
                    _ => (x, y) => x >= y,
                };
                ComparisonKernels.Compare<double>(a, b, o, rel);
                for (int i = 0; i < n; i++) Assert.True(expected(a[i], b[i]) == o[i], $"{rel}({a[i]}, {b[i]})");
                ComparisonKernels.Compare<float>(ToFloat(a), 0.5f, o, rel);
                for (int i = 0; i < n; i++) Assert.True(expected((float)a[i], 0.5) == o[i], $"{rel}({a[i]}, 0.5)");
                var la = Array.ConvertAll(b, v => double.IsFinite(v) ? (long)v : 7L);
                ComparisonKernels.Compare<long>(la, la.Reverse().ToArray(), o, rel);
                for (int i = 0; i < n; i++) Assert.True(expected(la[i], la[n - 1 - i]) == o[i]);
            }
        }
    }

    [Fact]
    public void SelectPicksBySign()
    {
        var rng = new Random(9);
        for (int n = 0; n <= MaxLength; n++)
        {
            var c = new bool[n];
            for (int i = 0; i < n; i++) c[i] = rng.Next(2) == 0;
            var a = Inputs(n, rng, r => 1 + r.NextDouble());
            var b = Inputs(n, rng, r => -1 - r.NextDouble());
            var o = new double[n];
            ComparisonKernels.Select<double>(c, a, b, o);
            for (int i = 0; i < n; i++) Assert.Equal(BitConverter.DoubleToInt64Bits(c[i] ? a[i] : b[i]), BitConverter.DoubleToInt64Bits(o[i]));
        }
    }
}

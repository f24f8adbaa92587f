using Descent.Kernels;
using Descent.Kernels.Activations;
using static Descent.Tests.Kernels.KernelTestSupport;

namespace Descent.Tests.Kernels.Activations;

/// <summary>
/// Activation kernels (forward and backward) at every length 0..130 with NaN/±Inf/±0 at random positions, on the
/// scalar, 256- and 512-bit paths, against float64 references written from the definitions.
/// Piecewise-linear kernels must be exact; the others agree within a few rounding errors of their terms.
/// </summary>
[Trait("Category", "Kernels")]
[Collection("KernelConfig")]
public class ActivationKernelTests
{
    private const double SeluAlpha = 1.6732632423543772848170429916717, SeluScale = 1.0507009873554804934193349852946;

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    private static double Erf(double x) => ErfKernel<double>.Scalar(x);

    private static void Sweep<K32, K64>(string name, K32 k32, K64 k64, Func<double, double> f, Func<double, double> df, bool exact)
        where K32 : struct, IActivationKernel<float>
        where K64 : struct, IActivationKernel<double>
    {
        int seed = name.Length * 7919 + name[0];
        var rng = new Random(seed);
        foreach (var level in Levels())
        {
            using var _ = KernelConfig.Force(level);
            for (int n = 0; n <= MaxLength; n++)
            {
                var x = Inputs(n, rng, r => r.Next(4) == 0 ? LogUniform(r, -3, 2) : Uniform(r, -6, 6));
                var g = Inputs(n, rng, r => Uniform(r, -2, 2), []);
                Check<double, K64>(name, level, n, x, g, k64, f, df, exact, isFloat: false);
                Check<float, K32>(name, level, n, Array.ConvertAll(ToFloat(x), v => (double)v), Array.ConvertAll(ToFloat(g), v => (double)v), k32, f, df, exact, isFloat: true);
            }
        }
    }

    private static void Check<T, K>(string name, SimdLevel level, int n, double[] x, double[] g, K kernel,
        Func<double, double> f, Func<double, double> df, bool exact, bool isFloat)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
        where K : struct, IActivationKernel<T>
    {
        var xt = Array.ConvertAll(x, T.CreateTruncating);
        var gt = Array.ConvertAll(g, T.CreateTruncating);
        var y = new T[n];
        var dx = new T[n];
        kernel.Forward(xt, y);
        kernel.Backward(xt, y, gt, dx);
        double eps = isFloat ? 6e-8 : 1.2e-16;
        for (int i = 0; i < n; i++)
        {
            double fy = f(x[i]), fd = g[i] * df(x[i]);
            Compare(fy, double.CreateTruncating(y[i]), exact, isFloat, eps * 16 * (1 + Math.Abs(x[i])),
                () => $"{name}<{typeof(T).Name}>({x[i]:R}) [{level}, n={n}, i={i}]");
            Compare(fd, double.CreateTruncating(dx[i]), exact, isFloat, eps * 16 * (1 + x[i] * x[i]) * (1 + Math.Abs(g[i])),
                () => $"{name}'<{typeof(T).Name}>({x[i]:R})·{g[i]:R} [{level}, n={n}, i={i}]");
        }
    }

    private static void Compare(double expected, double actual, bool exact, bool isFloat, double absTol, Func<string> what)
    {
        if (double.IsNaN(expected) || double.IsInfinity(expected) || exact)
        {
            AssertClose(expected, actual, exact ? 0 : 4, isFloat, what);
            return;
        }
        double e = isFloat ? (float)expected : expected;
        double ulp = isFloat ? MathF.BitIncrement(MathF.Abs((float)e)) - MathF.Abs((float)e) : Math.BitIncrement(Math.Abs(e)) - Math.Abs(e);
        double err = Math.Abs(actual - e);
        if (!(err <= 8 * ulp || err <= absTol))
            Assert.Fail($"{what()}: expected {e:R}, got {actual:R} (|err| {err:E2} > 8 ulp and > {absTol:E2})");
    }

    [Fact]
    public void Relu() => Sweep("relu", new ReluKernel<float>(), new ReluKernel<double>(),
        x => x <= 0 ? 0 : x, x => double.IsNaN(x) ? 1 : x > 0 ? 1 : 0, exact: true);

    [Fact]
    public void LeakyRelu() => Sweep("leaky_relu", new LeakyReluKernel<float>(0.125f), new LeakyReluKernel<double>(0.125),
        x => x > 0 ? x : 0.125 * x, x => x > 0 ? 1 : 0.125, exact: true);

    [Fact]
    public void Elu() => Sweep("elu", new EluKernel<float>(0.5f, 1f, 1f), new EluKernel<double>(0.5, 1, 1),
        x => x > 0 ? x : 0.5 * (Math.Exp(x) - 1), x => x > 0 ? 1 : 0.5 * Math.Exp(x), exact: false);

    [Fact]
    public void Selu() => Sweep("selu", new EluKernel<float>((float)SeluAlpha, (float)SeluScale, 1f), new EluKernel<double>(SeluAlpha, SeluScale, 1),
        x => SeluScale * (x > 0 ? x : SeluAlpha * (Math.Exp(x) - 1)), x => SeluScale * (x > 0 ? 1 : SeluAlpha * Math.Exp(x)), exact: false);

    [Fact]
    public void Silu() => Sweep("silu", new SiluKernel<float>(), new SiluKernel<double>(),
        x => x * Sigmoid(x), x => Sigmoid(x) * (1 + x * (1 - Sigmoid(x))), exact: false);

    [Fact]
    public void Hardswish() => Sweep("hardswish", new HardswishKernel<float>(), new HardswishKernel<double>(),
        x => x * Math.Min(Math.Max(x + 3, 0), 6) / 6, x => x < -3 ? 0 : x < 3 ? x / 3 + 0.5 : 1, exact: false);

    [Fact]
    public void Gelu() => Sweep("gelu", new GeluKernel<float>(), new GeluKernel<double>(),
        x => 0.5 * x * (1 + Erf(x / Math.Sqrt(2))),
        x => 0.5 * (1 + Erf(x / Math.Sqrt(2))) + x * Math.Exp(-0.5 * x * x) / Math.Sqrt(2 * Math.PI), exact: false);

    [Fact]
    public void GeluTanh()
    {
        double k = Math.Sqrt(2 / Math.PI);
        Sweep("gelu_tanh", new GeluTanhKernel<float>(), new GeluTanhKernel<double>(),
            x => 0.5 * x * (1 + Math.Tanh(k * (x + 0.044715 * x * x * x))),
            x =>
            {
                double t = Math.Tanh(k * (x + 0.044715 * x * x * x));
                return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * k * (1 + 3 * 0.044715 * x * x);
            }, exact: false);
    }
}

using Descent.Kernels;
using static Descent.Tests.Kernels.KernelTestSupport;

namespace Descent.Tests.Kernels.Elementwise;

/// <summary>
/// Every unary kernel at every length 0..130, with NaN/±Inf/±0 at random positions, on the scalar, 256- and
/// 512-bit paths, against an independent float64 reference.
/// </summary>
[Trait("Category", "Kernels")]
[Collection("KernelConfig")]
public class UnaryKernelTests
{
    private static void Sweep<K32, K64>(string name, Func<Random, double> draw, Func<double, double> reference,
        double ulps32, double ulps64, bool zeroSign = false, K32 k32 = default, K64 k64 = default)
        where K32 : struct, IUnaryKernel<float>
        where K64 : struct, IUnaryKernel<double>
    {
        int seed = 0;
        foreach (char c in name) seed = seed * 31 + c;
        var rng = new Random(seed);
        foreach (var level in Levels())
        {
            using var _ = KernelConfig.Force(level);
            for (int n = 0; n <= MaxLength; n++)
            {
                var x = Inputs(n, rng, draw);
                var y = new double[n];
                k64.Apply(x, y);
                for (int i = 0; i < n; i++)
                    AssertClose(reference(x[i]), y[i], ulps64, false, () => $"{name}<double>({x[i]:R}) [{level}, n={n}, i={i}]", zeroSign);
                var xf = ToFloat(x);
                var yf = new float[n];
                k32.Apply(xf, yf);
                for (int i = 0; i < n; i++)
                    AssertClose(reference(xf[i]), yf[i], ulps32, true, () => $"{name}<float>({xf[i]:R}) [{level}, n={n}, i={i}]", zeroSign);
            }
        }
    }

    [Fact]
    public void Exp() => Sweep<ExpKernel<float>, ExpKernel<double>>("exp", r => Uniform(r, -100, 100), Math.Exp, 2, 2);

    [Fact]
    public void Log() => Sweep<LogKernel<float>, LogKernel<double>>("log", r => LogUniform(r, -30, 30), Math.Log, 2, 2);

    [Fact]
    public void Log1p() => Sweep<Log1pKernel<float>, Log1pKernel<double>>("log1p",
        r => r.Next(3) == 0 ? Uniform(r, -1, 3) : LogUniform(r, -20, 10, signed: false) * (r.Next(4) == 0 ? -1e-3 : 1),
        ReferenceMath.Log1p, 2, 4, zeroSign: true);

    [Fact]
    public void Expm1() => Sweep<Expm1Kernel<float>, Expm1Kernel<double>>("expm1",
        r => r.Next(3) == 0 ? Uniform(r, -40, 40) : LogUniform(r, -20, 0.5), ReferenceMath.Expm1, 3, 4, zeroSign: true);

    [Fact]
    public void Sqrt() => Sweep<SqrtKernel<float>, SqrtKernel<double>>("sqrt", r => LogUniform(r, -30, 30), Math.Sqrt, 1, 1, zeroSign: true);

    [Fact]
    public void Rsqrt() => Sweep<RsqrtKernel<float>, RsqrtKernel<double>>("rsqrt", r => LogUniform(r, -30, 30), v => 1 / Math.Sqrt(v), 2, 2);

    [Fact]
    public void Abs() => Sweep<AbsKernel<float>, AbsKernel<double>>("abs", r => Uniform(r, -5, 5), Math.Abs, 0, 0, zeroSign: true);

    [Fact]
    public void Sign() => Sweep<SignKernel<float>, SignKernel<double>>("sign", r => Uniform(r, -5, 5),
        v => v > 0 ? 1 : v < 0 ? -1 : 0, 0, 0, zeroSign: true);

    [Fact]
    public void Sin() => Sweep<SinKernel<float>, SinKernel<double>>("sin", r => Uniform(r, -50, 50), Math.Sin, 2, 2);

    [Fact]
    public void Cos() => Sweep<CosKernel<float>, CosKernel<double>>("cos", r => Uniform(r, -50, 50), Math.Cos, 2, 2);

    [Fact]
    public void Tanh() => Sweep<TanhKernel<float>, TanhKernel<double>>("tanh", r => LogUniform(r, -10, 2), Math.Tanh, 3, 4, zeroSign: true);

    [Fact]
    public void Sigmoid() => Sweep<SigmoidKernel<float>, SigmoidKernel<double>>("sigmoid", r => Uniform(r, -60, 60),
        ReferenceMath.Sigmoid, 4, 4);

    [Fact]
    public void Reciprocal() => Sweep<ReciprocalKernel<float>, ReciprocalKernel<double>>("reciprocal", r => LogUniform(r, -30, 30),
        v => 1 / v, 0.5, 0.5, zeroSign: true);

    [Fact]
    public void Square() => Sweep<SquareKernel<float>, SquareKernel<double>>("square", r => LogUniform(r, -20, 20), v => v * v, 0.5, 0.5);

    [Fact]
    public void Erf() => Sweep<ErfKernel<float>, ErfKernel<double>>("erf",
        r => r.Next(4) == 0 ? LogUniform(r, -12, 0) : Uniform(r, -7, 7), ReferenceMath.Erf, 0.5, 5, zeroSign: true);   // reference series ≈3 ulp; the mpmath test pins 2

    [Fact]
    public void Softplus() => Sweep("softplus", r => Uniform(r, -60, 40), v => ReferenceMath.Softplus(v, 1, 20), 4, 4,
        k32: new SoftplusKernel<float>(1, 20), k64: new SoftplusKernel<double>(1, 20));

    [Fact]
    public void SoftplusWithBeta() => Sweep("softplus(beta=2,threshold=5)", r => Uniform(r, -30, 30),
        v => ReferenceMath.Softplus(v, 2, 5), 4, 4, k32: new SoftplusKernel<float>(2, 5), k64: new SoftplusKernel<double>(2, 5));

    [Fact]
    public void Clamp() => Sweep("clamp", r => Uniform(r, -3, 3), v => double.IsNaN(v) ? v : Math.Min(Math.Max(v, -1), 2), 0, 0,
        k32: new ClampKernel<float>(-1, 2), k64: new ClampKernel<double>(-1, 2));
}

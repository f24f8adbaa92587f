using System.Numerics;
using Descent.Kernels;
using Descent.Kernels.Optim;

namespace Descent.Tests.Kernels.Optim;

/// <summary>
/// The fused optimizer kernels: every SIMD path must give bit-identical results to the forced scalar loop at every
/// length 0..130 (tails included) and with NaN/±Inf/±0 in the inputs, in float32 and float64; chunked multi-threaded
/// runs must equal single-threaded ones; and each kernel must match an independent double-precision reference.
/// </summary>
[Trait("Category", "Kernels")]
[Collection(OptimKernelsCollection.Name)]
public class FusedUpdateKernelTests
{
    public static TheoryData<string> Kernels => new(KernelNames);

    private static readonly string[] KernelNames =
    [
        "sgd", "sgd-momentum-first", "sgd-momentum", "sgd-nesterov-wd", "sgd-maximize", "adagrad", "rmsprop",
        "rmsprop-centered-momentum", "adam", "adam-amsgrad-wd", "adamw", "adamax", "nadam", "radam-rectified",
        "radam-plain", "adadelta",
    ];

    /// <summary>Buffers of one kernel call: param, grad and up to three state buffers.</summary>
    private sealed class Buffers<T>(int n) where T : unmanaged
    {
        public T[] P = new T[n], G = new T[n], S1 = new T[n], S2 = new T[n], S3 = new T[n];

        public Buffers<T> Copy() => new(P.Length)
        {
            P = (T[])P.Clone(), G = (T[])G.Clone(), S1 = (T[])S1.Clone(), S2 = (T[])S2.Clone(), S3 = (T[])S3.Clone(),
        };
    }

    private static void Apply<T>(string kernel, Buffers<T> b) where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (kernel)
        {
            case "sgd": SgdKernel.Step<T>(b.P, b.G, default, new SgdCoefficients(0.1, 0, 0, 0, false, false, false)); break;
            case "sgd-momentum-first": SgdKernel.Step<T>(b.P, b.G, b.S1, new SgdCoefficients(0.1, 0.9, 0, 0, false, false, true)); break;
            case "sgd-momentum": SgdKernel.Step<T>(b.P, b.G, b.S1, new SgdCoefficients(0.05, 0.9, 0.3, 0, false, false, false)); break;
            case "sgd-nesterov-wd": SgdKernel.Step<T>(b.P, b.G, b.S1, new SgdCoefficients(0.05, 0.8, 0, 0.01, true, false, false)); break;
            case "sgd-maximize": SgdKernel.Step<T>(b.P, b.G, b.S1, new SgdCoefficients(0.05, 0.5, 0, 0.02, false, true, false)); break;
            case "adagrad": AdagradKernel.Step<T>(b.P, b.G, b.S1, new AdagradCoefficients(0.1, 1e-10, 0.01, false)); break;
            case "rmsprop": RmsPropKernel.Step<T>(b.P, b.G, b.S1, default, default, new RmsPropCoefficients(0.01, 0.99, 1e-8, 0, 0, false, false)); break;
            case "rmsprop-centered-momentum": RmsPropKernel.Step<T>(b.P, b.G, b.S1, b.S2, b.S3, new RmsPropCoefficients(0.01, 0.9, 1e-6, 0.01, 0.5, true, true)); break;
            case "adam": AdamKernel.Step<T>(b.P, b.G, b.S1, b.S2, default, new AdamCoefficients(0.9, 0.999, 1e-8, 0.01 / 0.19, Math.Sqrt(1 - 0.998001), 0, 1, false, false)); break;
            case "adam-amsgrad-wd": AdamKernel.Step<T>(b.P, b.G, b.S1, b.S2, b.S3, new AdamCoefficients(0.85, 0.9, 1e-8, 0.05, 0.3, 0.05, 1, true, true)); break;
            case "adamw": AdamKernel.Step<T>(b.P, b.G, b.S1, b.S2, default, new AdamCoefficients(0.9, 0.999, 1e-8, 0.02, 0.05, 0, 1 - 0.02 * 0.01, false, false)); break;
            case "adamax": AdamaxKernel.Step<T>(b.P, b.G, b.S1, b.S2, new AdamaxCoefficients(0.9, 0.999, 1e-8, 0.02, 0.05, false)); break;
            case "nadam": NAdamKernel.Step<T>(b.P, b.G, b.S1, b.S2, new NAdamCoefficients(0.9, 0.999, 1e-8, 0.002, -0.01, -0.02, 0.01, false)); break;
            case "radam-rectified": RAdamKernel.Step<T>(b.P, b.G, b.S1, b.S2, new RAdamCoefficients(0.01, 0.9, 0.999, 1e-8, 0.5, 0.2, 0.7, 0.05, false)); break;
            case "radam-plain": RAdamKernel.Step<T>(b.P, b.G, b.S1, b.S2, new RAdamCoefficients(0.01, 0.9, 0.999, 1e-8, 0.5, 0.2, null, 0, false)); break;
            case "adadelta": AdadeltaKernel.Step<T>(b.P, b.G, b.S1, b.S2, new AdadeltaCoefficients(1.0, 0.9, 1e-6, 0.01, false)); break;
            default: throw new ArgumentException(kernel);
        }
    }

    private static Buffers<T> Random<T>(int n, int seed, bool specials) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var rng = new Random(seed);
        var b = new Buffers<T>(n);
        for (int i = 0; i < n; i++)
        {
            b.P[i] = T.CreateTruncating(rng.NextDouble() * 4 - 2);
            b.G[i] = T.CreateTruncating(rng.NextDouble() * 2 - 1);
            b.S1[i] = T.CreateTruncating(rng.NextDouble() + 0.01);
            b.S2[i] = T.CreateTruncating(rng.NextDouble() + 0.01);   // square averages must stay positive
            b.S3[i] = T.CreateTruncating(rng.NextDouble() + 0.01);
        }
        if (specials)
        {
            T[] values = [T.NaN, T.PositiveInfinity, T.NegativeInfinity, T.Zero, T.NegativeZero, T.Epsilon];
            for (int k = 0; k < values.Length && k < n; k++)
                b.G[(k * 7 + 3) % n] = values[k];
            if (n > 20) b.P[17] = T.NaN;
        }
        return b;
    }

    private static void AssertBitEqual<T>(Buffers<T> expected, Buffers<T> actual, string what) where T : unmanaged, IFloatingPointIeee754<T>
    {
        void Same(T[] e, T[] a, string name)
        {
            for (int i = 0; i < e.Length; i++)
                Assert.True(e[i].Equals(a[i]) || (T.IsNaN(e[i]) && T.IsNaN(a[i])),
                    $"{what}: {name}[{i}] = {a[i]}, scalar path gives {e[i]}.");
        }
        Same(expected.P, actual.P, "param");
        Same(expected.S1, actual.S1, "state1");
        Same(expected.S2, actual.S2, "state2");
        Same(expected.S3, actual.S3, "state3");
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void SimdPathsMatchScalarBitForBit(string kernel)
    {
        Check<float>(kernel);
        Check<double>(kernel);
    }

    private static void Check<T>(string kernel) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int n = 0; n <= 130; n++)
        {
            foreach (bool specials in new[] { false, true })
            {
                var input = Random<T>(n, 1000 + n, specials);
                var scalar = input.Copy();
                using (KernelConfig.Force(SimdLevel.Scalar)) Apply(kernel, scalar);
                foreach (var level in new[] { SimdLevel.Vector256, SimdLevel.Vector512 })
                {
                    if (KernelConfig.HardwareLevel < level) continue;
                    var simd = input.Copy();
                    using (KernelConfig.Force(level)) Apply(kernel, simd);
                    AssertBitEqual(scalar, simd, $"{kernel} {typeof(T).Name} n={n} {level}{(specials ? " with specials" : "")}");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void ThreadCountDoesNotChangeResults(string kernel)
    {
        var input = Random<float>(FusedLoop.ParallelThreshold * 3 + 77, 7, specials: true);
        var one = input.Copy();
        using (ParallelFor.OverrideThreads(1))
            Apply(kernel, one);
        var two = input.Copy();
        using (ParallelFor.OverrideThreads(2))
            Apply(kernel, two);
        AssertBitEqual(one, two, $"{kernel} 1 vs 2 threads");
    }

    [Fact]
    public void AdamMatchesADoublePrecisionReference()
    {
        // p ← p − stepSize · m / (√v / √bc2 + ε), written out independently in double.
        var b = Random<float>(1000, 3, specials: false);
        var c = new AdamCoefficients(0.9, 0.99, 1e-8, 0.01 / (1 - 0.9 * 0.9), Math.Sqrt(1 - 0.99 * 0.99), 0.05, 1, true, false);
        var input = b.Copy();
        AdamKernel.Step<float>(b.P, b.G, b.S1, b.S2, b.S3, c);
        for (int i = 0; i < 1000; i++)
        {
            double p = input.P[i], g = input.G[i] + 0.05 * p;
            double m = 0.9 * input.S1[i] + 0.1 * g;
            double v = 0.99 * input.S2[i] + 0.01 * g * g;
            double vmax = Math.Max(input.S3[i], v);
            double expected = p - c.StepSize * m / (Math.Sqrt(vmax) / c.BiasCorrection2Sqrt + 1e-8);
            Assert.Equal(expected, b.P[i], 1e-5);
            Assert.Equal(m, b.S1[i], 1e-6);
            Assert.Equal(v, b.S2[i], 1e-6);
            Assert.Equal(vmax, b.S3[i], 1e-6);
        }
    }

    [Fact]
    public void NanInTheGradientPropagatesToTheParameter()
    {
        foreach (string kernel in KernelNames)
        {
            var b = Random<double>(40, 5, specials: false);
            b.G[9] = double.NaN;
            Apply(kernel, b);
            Assert.True(double.IsNaN(b.P[9]), $"{kernel}: a NaN gradient must poison its parameter (PyTorch does not mask it).");
            Assert.False(double.IsNaN(b.P[10]), $"{kernel}: NaN leaked to a neighbouring element.");
        }
    }

    [Fact]
    public void MismatchedLengthsAreRejectedWithTheKernelName()
    {
        var e = Assert.Throws<DescentInternalException>(() =>
            AdamKernel.Step<float>(new float[4], new float[3], new float[4], new float[4], default, new AdamCoefficients(0.9, 0.999, 1e-8, 1, 1, 0, 1, false, false)));
        Assert.Contains("adam", e.Message);
        Assert.Contains("4", e.Message);
    }
}

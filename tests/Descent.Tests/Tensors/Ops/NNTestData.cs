using Descent.Tensors;

namespace Descent.Tests.Tensors.Ops;

/// <summary>Random inputs and tolerance checks for the NN op tests.</summary>
internal static class NNTestData
{
    /// <summary>Standard-normal doubles from a seeded generator.</summary>
    public static double[] Normal(int count, long seed)
    {
        var gen = new Generator(seed);
        var a = new double[count];
        for (int i = 0; i < a.Length; i++) a[i] = gen.NextNormal();
        return a;
    }

    /// <summary>A tensor of standard-normal values in <paramref name="dtype"/> with <paramref name="shape"/>.</summary>
    public static Tensor Random(DType dtype, long seed, params int[] shape)
    {
        var data = Normal(new Shape(shape).Numel, seed);
        var t = Tensor.FromArray(data, shape);
        return dtype == DType.Float64 ? t : t.To(dtype);
    }

    /// <summary>A Float64 leaf that requires grad.</summary>
    public static Tensor Leaf(long seed, params int[] shape) => Random(DType.Float64, seed, shape).RequiresGradInPlace();

    /// <summary>Asserts |actual − expected| ≤ atol + rtol·|expected| elementwise, naming the first bad element.</summary>
    public static void Close(double[] expected, double[] actual, double atol, double rtol, string what = "")
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double e = expected[i], a = actual[i];
            if (double.IsNaN(e) && double.IsNaN(a)) continue;
            if (e == a) continue;
            Assert.True(Math.Abs(a - e) <= atol + rtol * Math.Abs(e),
                $"{what} element {i}: expected {e:R}, got {a:R} (|diff| {Math.Abs(a - e):E3})");
        }
    }

    /// <summary>Tolerances for comparing an op in <paramref name="dtype"/> with a double reference.</summary>
    public static (double Atol, double Rtol) Tolerance(DType dtype) => dtype == DType.Float64 ? (1e-12, 1e-10) : (1e-4, 1e-4);
}

namespace Descent.Tensors;

/// <summary>
/// Random creation and in-place fills: rand, randn, uniform, normal, bernoulli, randint, randperm. Every
/// function takes an optional <see cref="Generator"/> (default: <see cref="Generator.Default"/>) and draws
/// its numbers sequentially in row-major order, so a seed gives the same tensor whatever the thread count.
/// The distributions match PyTorch's; the streams do not (see <see cref="Generator"/>).
/// </summary>
public sealed partial class Tensor
{
    /// <summary>Uniform samples in [0, 1).</summary>
    public static Tensor Rand(Shape shape, DType dtype = DType.Float32, Generator? generator = null) =>
        Empty(shape, RequireFloatDType(dtype, "rand")).UniformInPlace(0, 1, generator);

    /// <summary>Uniform float32 samples in [0, 1) from the default generator.</summary>
    public static Tensor Rand(params int[] shape) => Rand(new Shape(shape));

    /// <summary>Standard normal samples.</summary>
    public static Tensor Randn(Shape shape, DType dtype = DType.Float32, Generator? generator = null) =>
        Empty(shape, RequireFloatDType(dtype, "randn")).NormalInPlace(0, 1, generator);

    /// <summary>Standard normal float32 samples from the default generator.</summary>
    public static Tensor Randn(params int[] shape) => Randn(new Shape(shape));

    /// <summary>Uniform samples in [<paramref name="low"/>, <paramref name="high"/>).</summary>
    public static Tensor Uniform(Shape shape, double low, double high, DType dtype = DType.Float32, Generator? generator = null) =>
        Empty(shape, RequireFloatDType(dtype, "uniform")).UniformInPlace(low, high, generator);

    /// <summary>Normal samples with the given mean and standard deviation.</summary>
    public static Tensor Normal(Shape shape, double mean, double std, DType dtype = DType.Float32, Generator? generator = null) =>
        Empty(shape, RequireFloatDType(dtype, "normal")).NormalInPlace(mean, std, generator);

    /// <summary>0/1 samples, 1 with probability p[i]; same shape and dtype as <paramref name="p"/> (PyTorch's bernoulli).</summary>
    public static Tensor Bernoulli(Tensor p, Generator? generator = null)
    {
        p.RequireFloat("bernoulli");
        var gen = generator ?? Generator.Default;
        var o = Empty(p.Shape, p.DType);
        for (int i = 0; i < p.Numel; i++)
        {
            double pi = p.GetDouble(i);
            if (!(pi >= 0 && pi <= 1))
                throw new ArgumentOutOfRangeException(nameof(p), pi, $"bernoulli: every probability must be in [0, 1]; element {i} of {p.Shape} is {pi}.");
            o.SetDouble(i, gen.NextDouble() < pi ? 1 : 0);
        }
        return o;
    }

    /// <summary>0/1 samples, 1 with probability <paramref name="p"/>.</summary>
    public static Tensor Bernoulli(Shape shape, double p, DType dtype = DType.Float32, Generator? generator = null) =>
        Empty(shape, RequireFloatDType(dtype, "bernoulli")).BernoulliInPlace(p, generator);

    /// <summary>Uniform int64 samples in [<paramref name="low"/>, <paramref name="high"/>).</summary>
    public static Tensor RandInt(long low, long high, Shape shape, Generator? generator = null)
    {
        if (low >= high)
            throw new ArgumentException($"randint: expected low < high, got low={low}, high={high} (shape {shape}).");
        var gen = generator ?? Generator.Default;
        var o = Empty(shape, DType.Int64);
        var s = o.Span<long>();
        ulong range = (ulong)(high - low);
        for (int i = 0; i < s.Length; i++)
        {
            if (range <= long.MaxValue) { s[i] = low + gen.NextInt64((long)range); continue; }
            ulong v;   // a range wider than long.MaxValue: rejection sampling on raw 64-bit draws
            do { v = gen.NextUInt64(); } while (v >= range);
            s[i] = unchecked(low + (long)v);
        }
        return o;
    }

    /// <summary>A random permutation of 0..n−1 (int64), by Fisher–Yates shuffling.</summary>
    public static Tensor RandPerm(int n, Generator? generator = null)
    {
        if (n < 0) throw new ArgumentOutOfRangeException(nameof(n), n, "randperm: n must be non-negative.");
        var gen = generator ?? Generator.Default;
        var o = Empty(new Shape(n), DType.Int64);
        var s = o.Span<long>();
        for (int i = 0; i < n; i++) s[i] = i;
        // Durstenfeld's in-place form: swap position i with a uniform position in [0, i].
        for (int i = n - 1; i > 0; i--)
        {
            int j = (int)gen.NextInt64(i + 1);
            (s[i], s[j]) = (s[j], s[i]);
        }
        return o;
    }

    /// <summary>Fills this tensor with uniform samples in [low, high), in place (parameter initialisation).</summary>
    public Tensor UniformInPlace(double low = 0, double high = 1, Generator? generator = null)
    {
        RequireFloat("uniform_");
        if (!(low <= high) || double.IsInfinity(high - low))
            throw new ArgumentException($"uniform_: expected a finite range [from, to) with from ≤ to, got from={low}, to={high} (shape {Shape}).");
        var gen = generator ?? Generator.Default;
        double width = high - low;
        if (DType == DType.Float32)
        {
            var s = Span<float>();
            float top = (float)high;
            for (int i = 0; i < s.Length; i++)
            {
                float v = low == 0 && high == 1 ? gen.NextSingle() : (float)(low + width * gen.NextDouble());
                // Rounding to float32 can reach the excluded upper bound; step back inside [low, high).
                s[i] = v >= top && low < high ? MathF.BitDecrement(top) : v;
            }
        }
        else
        {
            var s = Span<double>();
            for (int i = 0; i < s.Length; i++)
            {
                double v = low + width * gen.NextDouble();
                s[i] = v >= high && low < high ? Math.BitDecrement(high) : v;
            }
        }
        return this;
    }

    /// <summary>Fills this tensor with normal samples N(mean, std²), in place.</summary>
    public Tensor NormalInPlace(double mean = 0, double std = 1, Generator? generator = null)
    {
        RequireFloat("normal_");
        if (!(std >= 0))
            throw new ArgumentOutOfRangeException(nameof(std), std, $"normal_: expected std ≥ 0, got {std} (shape {Shape}).");
        var gen = generator ?? Generator.Default;
        if (DType == DType.Float32)
        {
            var s = Span<float>();
            for (int i = 0; i < s.Length; i++) s[i] = (float)(mean + std * gen.NextNormal());
        }
        else
        {
            var s = Span<double>();
            for (int i = 0; i < s.Length; i++) s[i] = mean + std * gen.NextNormal();
        }
        return this;
    }

    /// <summary>Fills this tensor with 0/1 samples, 1 with probability <paramref name="p"/>, in place.</summary>
    public Tensor BernoulliInPlace(double p, Generator? generator = null)
    {
        RequireFloat("bernoulli_");
        if (!(p >= 0 && p <= 1))
            throw new ArgumentOutOfRangeException(nameof(p), p, $"bernoulli_: p must be in [0, 1], got {p} (shape {Shape}).");
        var gen = generator ?? Generator.Default;
        if (DType == DType.Float32)
        {
            var s = Span<float>();
            for (int i = 0; i < s.Length; i++) s[i] = gen.NextDouble() < p ? 1f : 0f;
        }
        else
        {
            var s = Span<double>();
            for (int i = 0; i < s.Length; i++) s[i] = gen.NextDouble() < p ? 1.0 : 0.0;
        }
        return this;
    }

    private static DType RequireFloatDType(DType dtype, string op) =>
        dtype.IsFloatingPoint() ? dtype :
        throw new ArgumentException($"{op}: expected dtype float32 or float64, got {dtype.TorchName()}.");
}

using Descent.Tensors;

namespace Descent.Data;

/// <summary>
/// Seeded synthetic datasets for tests, examples and quick experiments: linear regression, Gaussian blobs,
/// two spirals and XOR. The same seed gives the same samples on every platform (see <see cref="Generator"/>).
/// Classification sets have Int64 labels <c>[N]</c>, balanced: sample i belongs to class i mod k.
/// </summary>
public static class SyntheticData
{
    /// <summary>y = x·w + b + noise·ε with x ~ U(<paramref name="low"/>, <paramref name="high"/>)^d, ε ~ N(0, 1); features <c>[N, d]</c>, targets <c>[N, 1]</c>.</summary>
    /// <param name="count">Number of samples.</param>
    /// <param name="weights">The true weights w (d = its length).</param>
    /// <param name="bias">The true bias b.</param>
    /// <param name="noise">Standard deviation of the Gaussian noise added to y.</param>
    /// <param name="seed">Random seed.</param>
    /// <param name="dtype">Element type.</param>
    /// <param name="low">Lower bound of each feature.</param>
    /// <param name="high">Upper bound of each feature.</param>
    public static TensorDataset LinearRegression(int count, double[] weights, double bias, double noise = 0.1, long seed = 0,
        DType dtype = DType.Float32, double low = -1, double high = 1)
    {
        ArgumentNullException.ThrowIfNull(weights);
        CheckCount(count, "LinearRegression");
        if (weights.Length == 0)
            throw new ArgumentException("LinearRegression: needs at least one weight.", nameof(weights));
        CheckNonNegative(noise, nameof(noise), "LinearRegression");
        if (!(high > low))
            throw new ArgumentException($"LinearRegression: the feature range [{low}, {high}) is empty.", nameof(high));
        int d = weights.Length;
        var rng = new Generator(seed);
        var x = new double[count * d];
        var y = new double[count];
        for (int i = 0; i < count; i++)
        {
            double sum = bias;
            for (int j = 0; j < d; j++)
            {
                double v = low + (high - low) * rng.NextDouble();
                x[i * d + j] = v;
                sum += v * weights[j];
            }
            y[i] = sum + noise * rng.NextNormal();
        }
        return Build(x, [count, d], y, [count, 1], dtype);
    }

    /// <summary>One-feature linear regression y = w·x + b + noise·ε (features <c>[N, 1]</c>).</summary>
    public static TensorDataset LinearRegression(int count, double weight, double bias, double noise = 0.1, long seed = 0, DType dtype = DType.Float32) =>
        LinearRegression(count, [weight], bias, noise, seed, dtype);

    /// <summary>
    /// Isotropic Gaussian blobs (scikit-learn's <c>make_blobs</c>): <paramref name="classes"/> centers drawn uniformly
    /// in [−<paramref name="centerBox"/>, <paramref name="centerBox"/>]^d, samples N(center, std²·I).
    /// </summary>
    public static TensorDataset Blobs(int count, int classes = 3, int features = 2, double std = 1.0, long seed = 0,
        DType dtype = DType.Float32, double centerBox = 10)
    {
        CheckCount(count, "Blobs");
        if (classes < 1) throw new ArgumentOutOfRangeException(nameof(classes), classes, "Blobs: needs at least one class.");
        if (features < 1) throw new ArgumentOutOfRangeException(nameof(features), features, "Blobs: needs at least one feature.");
        CheckNonNegative(std, nameof(std), "Blobs");
        var rng = new Generator(seed);
        var centers = new double[classes * features];
        for (int i = 0; i < centers.Length; i++) centers[i] = centerBox * (2 * rng.NextDouble() - 1);
        var x = new double[count * features];
        var labels = new long[count];
        for (int i = 0; i < count; i++)
        {
            int c = i % classes;
            labels[i] = c;
            for (int j = 0; j < features; j++)
                x[i * features + j] = centers[c * features + j] + std * rng.NextNormal();
        }
        return Build(x, [count, features], labels, dtype);
    }

    /// <summary>
    /// Two interleaved spirals in the plane (Lang &amp; Witbrock 1988), class 1 being class 0 rotated by π:
    /// angle t = √u·turns·2π (u ~ U(0, 1)), radius t/(turns·2π) ≤ 1, plus N(0, noise²) on each coordinate.
    /// </summary>
    public static TensorDataset TwoSpirals(int count, double noise = 0.0, long seed = 0, DType dtype = DType.Float32, double turns = 1.5)
    {
        CheckCount(count, "TwoSpirals");
        CheckNonNegative(noise, nameof(noise), "TwoSpirals");
        if (!(turns > 0)) throw new ArgumentOutOfRangeException(nameof(turns), turns, "TwoSpirals: turns must be positive.");
        var rng = new Generator(seed);
        var x = new double[count * 2];
        var labels = new long[count];
        double span = turns * 2 * Math.PI;
        for (int i = 0; i < count; i++)
        {
            int c = i % 2;
            // √u spreads points evenly along the arc instead of crowding the centre.
            double t = Math.Sqrt(rng.NextDouble()) * span;
            double r = t / span;
            double phase = t + c * Math.PI;
            x[2 * i] = r * Math.Cos(phase) + noise * rng.NextNormal();
            x[2 * i + 1] = r * Math.Sin(phase) + noise * rng.NextNormal();
            labels[i] = c;
        }
        return Build(x, [count, 2], labels, dtype);
    }

    /// <summary>
    /// XOR: points in the four quadrants of [−1, 1]², label 1 when exactly one coordinate is positive; Gaussian
    /// noise of std <paramref name="noise"/> is added to the coordinates after labelling. Sample i lies in
    /// quadrant i mod 4, so the classes are balanced.
    /// </summary>
    public static TensorDataset Xor(int count, double noise = 0.0, long seed = 0, DType dtype = DType.Float32)
    {
        CheckCount(count, "Xor");
        CheckNonNegative(noise, nameof(noise), "Xor");
        var rng = new Generator(seed);
        var x = new double[count * 2];
        var labels = new long[count];
        for (int i = 0; i < count; i++)
        {
            int q = i % 4;
            double sx = (q & 1) == 0 ? 1 : -1, sy = (q & 2) == 0 ? 1 : -1;
            // Magnitudes in (0, 1]: 1 − U[0, 1) is never 0, so no point sits on an axis with an ambiguous label.
            double a = sx * (1 - rng.NextDouble()), b = sy * (1 - rng.NextDouble());
            labels[i] = (a > 0) ^ (b > 0) ? 1 : 0;
            x[2 * i] = a + noise * rng.NextNormal();
            x[2 * i + 1] = b + noise * rng.NextNormal();
        }
        return Build(x, [count, 2], labels, dtype);
    }

    private static TensorDataset Build(double[] x, int[] xShape, long[] labels, DType dtype)
    {
        using var suspend = StepScope.Suspend();
        return new TensorDataset(Tensor.FromArray(x, xShape).To(dtype), Tensor.FromArray(labels, labels.Length));
    }

    private static TensorDataset Build(double[] x, int[] xShape, double[] y, int[] yShape, DType dtype)
    {
        using var suspend = StepScope.Suspend();
        return new TensorDataset(Tensor.FromArray(x, xShape).To(dtype), Tensor.FromArray(y, yShape).To(dtype));
    }

    private static void CheckCount(int count, string op)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, $"{op}: needs at least one sample.");
    }

    private static void CheckNonNegative(double value, string name, string op)
    {
        if (!(value >= 0) || double.IsInfinity(value))
            throw new ArgumentOutOfRangeException(name, value, $"{op}: {name} must be a non-negative finite number.");
    }
}

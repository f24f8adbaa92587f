using Descent.Kernels.LinearAlgebra;
using Descent.Tensors;
using Descent.Tensors.Autograd;

namespace Descent.NN;

/// <summary>Nonlinearity after a layer, which sets the initialisation gain (PyTorch's <c>calculate_gain</c>).</summary>
public enum Nonlinearity
{
    /// <summary>Identity / linear / convolution: gain 1.</summary>
    Linear,
    /// <summary>Sigmoid: gain 1.</summary>
    Sigmoid,
    /// <summary>Tanh: gain 5/3.</summary>
    Tanh,
    /// <summary>ReLU: gain √2.</summary>
    ReLU,
    /// <summary>Leaky ReLU with slope a: gain √(2/(1 + a²)).</summary>
    LeakyReLU,
    /// <summary>SELU: gain 3/4.</summary>
    SELU,
}

/// <summary>Which fan Kaiming initialisation preserves: forward activations (fan in) or backward gradients (fan out).</summary>
public enum FanMode
{
    /// <summary>Preserve the variance of activations in the forward pass.</summary>
    FanIn,
    /// <summary>Preserve the variance of gradients in the backward pass.</summary>
    FanOut,
}

/// <summary>
/// In-place parameter initialisation (PyTorch's <c>torch.nn.init</c>), every random one seeded through a
/// <see cref="Generator"/> (default <see cref="Generator.Default"/>). Each returns the tensor it filled.
/// </summary>
public static class Init
{
    /// <summary>(fan_in, fan_out) of a weight: size(1)·receptive field and size(0)·receptive field (needs ≥ 2 dims).</summary>
    public static (int FanIn, int FanOut) FanInAndFanOut(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.Rank < 2)
            throw new ArgumentException($"init: fan in and fan out cannot be computed for a tensor with fewer than 2 dimensions ({tensor.Shape}).");
        int receptive = 1;
        for (int d = 2; d < tensor.Rank; d++) receptive *= tensor.Shape[d];
        return (tensor.Shape[1] * receptive, tensor.Shape[0] * receptive);
    }

    /// <summary>Recommended gain for <paramref name="nonlinearity"/> (<paramref name="param"/>: leaky ReLU slope, default 0.01).</summary>
    public static double Gain(Nonlinearity nonlinearity, double? param = null) => nonlinearity switch
    {
        Nonlinearity.Linear or Nonlinearity.Sigmoid => 1.0,
        Nonlinearity.Tanh => 5.0 / 3,
        Nonlinearity.ReLU => Math.Sqrt(2.0),
        Nonlinearity.LeakyReLU => Math.Sqrt(2.0 / (1 + (param ?? 0.01) * (param ?? 0.01))),
        Nonlinearity.SELU => 3.0 / 4,
        _ => throw new ArgumentOutOfRangeException(nameof(nonlinearity), nonlinearity, "init: unknown nonlinearity."),
    };

    /// <summary>U(a, b) in place.</summary>
    public static Tensor Uniform(Tensor tensor, double a = 0, double b = 1, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        using var noGrad = GradMode.Disable();
        return tensor.UniformInPlace(a, b, generator);
    }

    /// <summary>N(mean, std²) in place.</summary>
    public static Tensor Normal(Tensor tensor, double mean = 0, double std = 1, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        using var noGrad = GradMode.Disable();
        return tensor.NormalInPlace(mean, std, generator);
    }

    /// <summary>Fills with <paramref name="value"/>.</summary>
    public static Tensor Constant(Tensor tensor, double value)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        return tensor.FillInPlace(value);
    }

    /// <summary>Fills with zeros.</summary>
    public static Tensor Zeros(Tensor tensor) => Constant(tensor, 0);

    /// <summary>Fills with ones.</summary>
    public static Tensor Ones(Tensor tensor) => Constant(tensor, 1);

    /// <summary>Xavier/Glorot uniform (Glorot &amp; Bengio 2010): U(−b, b), b = gain·√(6/(fan_in + fan_out)).</summary>
    public static Tensor XavierUniform(Tensor tensor, double gain = 1.0, Generator? generator = null)
    {
        if (IsEmpty(tensor)) return tensor;
        var (fanIn, fanOut) = FanInAndFanOut(tensor);
        double bound = gain * Math.Sqrt(6.0 / (fanIn + fanOut));
        return Uniform(tensor, -bound, bound, generator);
    }

    /// <summary>Xavier/Glorot normal: N(0, σ²), σ = gain·√(2/(fan_in + fan_out)).</summary>
    public static Tensor XavierNormal(Tensor tensor, double gain = 1.0, Generator? generator = null)
    {
        if (IsEmpty(tensor)) return tensor;
        var (fanIn, fanOut) = FanInAndFanOut(tensor);
        return Normal(tensor, 0, gain * Math.Sqrt(2.0 / (fanIn + fanOut)), generator);
    }

    /// <summary>
    /// Kaiming/He uniform (He et al. 2015): U(−b, b), b = √3·gain/√fan, gain from <paramref name="nonlinearity"/>
    /// with slope <paramref name="a"/>. PyTorch's layer default is a = √5 with leaky ReLU, i.e. b = 1/√fan_in.
    /// </summary>
    public static Tensor KaimingUniform(Tensor tensor, double a = 0, FanMode mode = FanMode.FanIn,
        Nonlinearity nonlinearity = Nonlinearity.LeakyReLU, Generator? generator = null)
    {
        if (IsEmpty(tensor)) return tensor;
        double std = KaimingStd(tensor, a, mode, nonlinearity);
        double bound = Math.Sqrt(3.0) * std;
        return Uniform(tensor, -bound, bound, generator);
    }

    /// <summary>Kaiming/He normal: N(0, σ²), σ = gain/√fan.</summary>
    public static Tensor KaimingNormal(Tensor tensor, double a = 0, FanMode mode = FanMode.FanIn,
        Nonlinearity nonlinearity = Nonlinearity.LeakyReLU, Generator? generator = null) =>
        IsEmpty(tensor) ? tensor : Normal(tensor, 0, KaimingStd(tensor, a, mode, nonlinearity), generator);

    /// <summary>PyTorch skips initialising zero-element tensors (with a warning) instead of failing on the zero fan.</summary>
    private static bool IsEmpty(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        return tensor.Numel == 0;
    }

    private static double KaimingStd(Tensor tensor, double a, FanMode mode, Nonlinearity nonlinearity)
    {
        var (fanIn, fanOut) = FanInAndFanOut(tensor);
        int fan = mode == FanMode.FanIn ? fanIn : fanOut;
        if (fan == 0)
            throw new ArgumentException($"init: cannot initialise a tensor of shape {tensor.Shape} with a zero fan.");
        return Gain(nonlinearity, a) / Math.Sqrt(fan);
    }

    /// <summary>
    /// (Semi-)orthogonal matrix (Saxe et al. 2013), as PyTorch: the tensor is viewed as rows = size(0) by
    /// cols = numel/rows, a Gaussian matrix is QR-decomposed (Householder, in double), Q's columns get the signs of
    /// R's diagonal so the result is uniformly distributed, and it is scaled by <paramref name="gain"/>.
    /// </summary>
    public static Tensor Orthogonal(Tensor tensor, double gain = 1.0, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.Rank < 2)
            throw new ArgumentException($"init: orthogonal initialisation needs at least 2 dimensions, got {tensor.Shape}.");
        if (tensor.Numel == 0) return tensor;
        int rows = tensor.Shape[0], cols = tensor.Numel / rows;
        var flat = Tensor.Normal(new Shape(rows, cols), 0, 1, DType.Float64, generator).ToArray<double>();
        bool transpose = rows < cols;
        int m = transpose ? cols : rows, n = transpose ? rows : cols;
        var a = new double[m * n];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                a[transpose ? j * n + i : i * n + j] = flat[i * cols + j];
        var q = new double[m * n];
        var d = new double[n];
        HouseholderQr.Decompose(a, m, n, q, d);
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
            {
                // Q has shape m×n; with the transpose the result is Qᵀ (rows×cols).
                double v = transpose ? q[j * n + i] * Math.Sign(d[i]) : q[i * n + j] * Math.Sign(d[j]);
                tensor.SetDouble(i * cols + j, v * gain);
            }
        return tensor;
    }
}

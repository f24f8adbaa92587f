using System.Numerics;

namespace Descent.Kernels.Losses;

/// <summary>
/// One elementwise loss term l(x, y) of input x and target y (p is the per-element positive-class weight, 1
/// when unused) with its partial derivatives. Structs so <see cref="PointwiseLoss"/> specialises per loss.
/// </summary>
public interface IPointwiseLoss<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>l(x, y).</summary>
    T Value(T x, T y, T p);

    /// <summary>∂l/∂x.</summary>
    T GradInput(T x, T y, T p);

    /// <summary>∂l/∂y.</summary>
    T GradTarget(T x, T y, T p);
}

/// <summary>Squared error (x − y)².</summary>
public readonly struct SquaredErrorKernel<T> : IPointwiseLoss<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public T Value(T x, T y, T p) => (x - y) * (x - y);

    /// <inheritdoc/>
    public T GradInput(T x, T y, T p) => (x - y) + (x - y);

    /// <inheritdoc/>
    public T GradTarget(T x, T y, T p) => (y - x) + (y - x);
}

/// <summary>Absolute error |x − y|; the derivative at 0 is 0 (sign), as in PyTorch.</summary>
public readonly struct AbsoluteErrorKernel<T> : IPointwiseLoss<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public T Value(T x, T y, T p) => T.Abs(x - y);

    /// <inheritdoc/>
    public T GradInput(T x, T y, T p) => Sign(x - y);

    /// <inheritdoc/>
    public T GradTarget(T x, T y, T p) => -Sign(x - y);

    internal static T Sign(T d) => d > T.Zero ? T.One : d < T.Zero ? -T.One : d;
}

/// <summary>Smooth L1 (Girshick 2015): |d| &lt; β ? ½d²/β : |d| − ½β; β = 0 is the L1 loss (PyTorch dispatches to l1).</summary>
public readonly struct SmoothL1Kernel<T>(T beta) : IPointwiseLoss<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private static readonly T Half = T.CreateChecked(0.5);

    /// <inheritdoc/>
    public T Value(T x, T y, T p)
    {
        T d = T.Abs(x - y);
        if (beta == T.Zero) return d;
        return d < beta ? Half * d * d / beta : d - Half * beta;
    }

    /// <inheritdoc/>
    public T GradInput(T x, T y, T p)
    {
        T d = x - y;
        if (beta == T.Zero) return AbsoluteErrorKernel<T>.Sign(d);
        return d < -beta ? -T.One : d > beta ? T.One : d / beta;
    }

    /// <inheritdoc/>
    public T GradTarget(T x, T y, T p) => -GradInput(x, y, p);
}

/// <summary>Huber: |d| ≤ δ ? ½d² : δ(|d| − ½δ); derivative clamp(d, −δ, δ).</summary>
public readonly struct HuberKernel<T>(T delta) : IPointwiseLoss<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private static readonly T Half = T.CreateChecked(0.5);

    /// <inheritdoc/>
    public T Value(T x, T y, T p)
    {
        T d = T.Abs(x - y);
        return d <= delta ? Half * d * d : delta * (d - Half * delta);
    }

    /// <inheritdoc/>
    public T GradInput(T x, T y, T p)
    {
        T d = x - y;
        return d < -delta ? -delta : d > delta ? delta : d;
    }

    /// <inheritdoc/>
    public T GradTarget(T x, T y, T p) => -GradInput(x, y, p);
}

/// <summary>
/// Binary cross-entropy on probabilities: −(y·log x + (1 − y)·log(1 − x)) with each log clamped at −100, and
/// PyTorch's gradient (x − y)/max(x(1 − x), 1e-12).
/// </summary>
public readonly struct BinaryCrossEntropyKernel<T> : IPointwiseLoss<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private static readonly T MinLog = T.CreateChecked(-100.0);
    private static readonly T Epsilon = T.CreateChecked(1e-12);

    /// <inheritdoc/>
    public T Value(T x, T y, T p) => -(y * T.Max(T.Log(x), MinLog) + (T.One - y) * T.Max(T.Log(T.One - x), MinLog));

    /// <inheritdoc/>
    public T GradInput(T x, T y, T p) => (x - y) / T.Max((T.One - x) * x, Epsilon);

    /// <inheritdoc/>
    public T GradTarget(T x, T y, T p) => T.Max(T.Log(T.One - x), MinLog) - T.Max(T.Log(x), MinLog);
}

/// <summary>
/// Binary cross-entropy on logits with positive weight p (PyTorch's stable form):
/// l = (1 − y)·x + (1 + (p − 1)·y)·(log1p(exp(−|x|)) + max(−x, 0)); ∂l/∂x = (1 + (p − 1)y)·σ(x) − p·y.
/// </summary>
public readonly struct BinaryCrossEntropyWithLogitsKernel<T> : IPointwiseLoss<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public T Value(T x, T y, T p)
    {
        T logWeight = (p - T.One) * y + T.One;
        return (T.One - y) * x + logWeight * (T.LogP1(T.Exp(-T.Abs(x))) + T.Max(-x, T.Zero));
    }

    /// <inheritdoc/>
    public T GradInput(T x, T y, T p)
    {
        T s = T.One / (T.One + T.Exp(-x));
        T t = p * y;
        return (t + T.One - y) * s - t;
    }

    /// <inheritdoc/>
    public T GradTarget(T x, T y, T p) => -x + (p - T.One) * (T.LogP1(T.Exp(-T.Abs(x))) + T.Max(-x, T.Zero));
}

/// <summary>
/// Pointwise KL divergence term with x = log q: y·(log y − x) (0 where y = 0), or with log targets
/// exp(y)·(y − x).
/// </summary>
public readonly struct KLDivergenceKernel<T>(bool logTarget) : IPointwiseLoss<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public T Value(T x, T y, T p)
    {
        if (logTarget) return T.Exp(y) * (y - x);
        // xlogy(y, y) − y·x: the y·log y term is defined as 0 at y = 0.
        return (y == T.Zero ? T.Zero : y * T.Log(y)) - y * x;
    }

    /// <inheritdoc/>
    public T GradInput(T x, T y, T p) => logTarget ? -T.Exp(y) : -y;

    /// <inheritdoc/>
    public T GradTarget(T x, T y, T p) => logTarget ? T.Exp(y) * (y - x + T.One) : (y == T.Zero ? T.Zero : T.Log(y) + T.One) - x;
}

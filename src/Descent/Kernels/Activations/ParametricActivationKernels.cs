using System.Numerics;

namespace Descent.Kernels.Activations;

/// <summary>
/// PReLU (He et al. 2015) over a [outer, channels, inner] layout with one learnable slope per channel (or one
/// shared slope when <c>weight.Length == 1</c>): y = x &gt; 0 ? x : a·x. As in PyTorch, the input gradient at
/// x = 0 is a·dy and the slope gradient sums x·dy where x ≤ 0.
/// </summary>
public static class PreluKernels
{
    /// <summary>y = prelu(x, weight).</summary>
    public static void Forward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> weight, Span<T> y, int outer, int channels, int inner)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int o = 0; o < outer; o++)
            for (int c = 0; c < channels; c++)
            {
                int start = (o * channels + c) * inner;
                var kernel = new LeakyReluKernel<T>(weight.Length == 1 ? weight[0] : weight[c]);
                kernel.Forward(x.Slice(start, inner), y.Slice(start, inner));
            }
    }

    /// <summary>dx (when not empty) and dWeight (accumulated, when not empty) from dy.</summary>
    public static void Backward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> weight, ReadOnlySpan<T> dy, Span<T> dx, Span<T> dWeight,
        int outer, int channels, int inner)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int o = 0; o < outer; o++)
            for (int c = 0; c < channels; c++)
            {
                int start = (o * channels + c) * inner;
                var xs = x.Slice(start, inner);
                var gs = dy.Slice(start, inner);
                if (!dx.IsEmpty)
                    new LeakyReluKernel<T>(weight.Length == 1 ? weight[0] : weight[c]).Backward(xs, default, gs, dx.Slice(start, inner));
                if (!dWeight.IsEmpty)
                {
                    T s = T.Zero;
                    for (int i = 0; i < inner; i++)
                        if (!(xs[i] > T.Zero)) s += xs[i] * gs[i];
                    dWeight[weight.Length == 1 ? 0 : c] += s;
                }
            }
    }
}

/// <summary>
/// Swish with a learnable β (Ramachandran et al. 2017): y = x·σ(βx). Derivatives:
/// ∂y/∂x = σ(βx) + βx·σ(βx)(1 − σ(βx)), ∂y/∂β = x²·σ(βx)(1 − σ(βx)).
/// </summary>
public static class SwishKernels
{
    /// <summary>y = x·σ(βx).</summary>
    public static void Forward<T>(ReadOnlySpan<T> x, T beta, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Sigmoid(x, beta, y);
        for (int i = 0; i < y.Length; i++) y[i] *= x[i];
    }

    /// <summary>Writes dx (when not empty) and returns Σ dy·∂y/∂β.</summary>
    public static T Backward<T>(ReadOnlySpan<T> x, T beta, ReadOnlySpan<T> dy, Span<T> dx, Span<T> scratch)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Sigmoid(x, beta, scratch);
        T dBeta = T.Zero;
        for (int i = 0; i < x.Length; i++)
        {
            T s = scratch[i], v = x[i];
            T ds = s * (T.One - s);
            if (!dx.IsEmpty) dx[i] = dy[i] * (s + beta * v * ds);
            dBeta += dy[i] * v * v * ds;
        }
        return dBeta;
    }

    private static void Sigmoid<T>(ReadOnlySpan<T> x, T beta, Span<T> s) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < s.Length; i++) s[i] = beta * x[i];
        default(SigmoidKernel<T>).Apply(s, s);
    }
}

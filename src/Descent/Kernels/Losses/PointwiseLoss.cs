using System.Numerics;

namespace Descent.Kernels.Losses;

/// <summary>
/// Drivers for <see cref="IPointwiseLoss{T}"/>: per-element values or their (double-accumulated) sum, and the
/// scaled gradients. Optional per-element weight w and positive weight p are empty spans when unused.
/// </summary>
public static class PointwiseLoss
{
    /// <summary>o[i] = w[i]·l(x[i], y[i], p[i]).</summary>
    public static void Values<T, TLoss>(TLoss loss, ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> w, ReadOnlySpan<T> p, Span<T> o)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TLoss : struct, IPointwiseLoss<T>
    {
        for (int i = 0; i < o.Length; i++)
        {
            T v = loss.Value(x[i], y[i], p.IsEmpty ? T.One : p[i]);
            o[i] = w.IsEmpty ? v : v * w[i];
        }
    }

    /// <summary>Σ w[i]·l(x[i], y[i], p[i]), accumulated in double.</summary>
    public static double Sum<T, TLoss>(TLoss loss, ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> w, ReadOnlySpan<T> p)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TLoss : struct, IPointwiseLoss<T>
    {
        double s = 0;
        for (int i = 0; i < x.Length; i++)
        {
            T v = loss.Value(x[i], y[i], p.IsEmpty ? T.One : p[i]);
            s += double.CreateTruncating(w.IsEmpty ? v : v * w[i]);
        }
        return s;
    }

    /// <summary>
    /// dx[i] = g·w[i]·∂l/∂x and/or dy[i] = g·w[i]·∂l/∂y (skipped when the span is empty), where g is
    /// <paramref name="upstream"/>[i] (unreduced) or the scalar <paramref name="scale"/> (reduced).
    /// </summary>
    public static void Gradients<T, TLoss>(TLoss loss, ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> w, ReadOnlySpan<T> p,
        ReadOnlySpan<T> upstream, T scale, Span<T> dx, Span<T> dy)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TLoss : struct, IPointwiseLoss<T>
    {
        for (int i = 0; i < x.Length; i++)
        {
            T g = upstream.IsEmpty ? scale : upstream[i];
            if (!w.IsEmpty) g *= w[i];
            T pi = p.IsEmpty ? T.One : p[i];
            if (!dx.IsEmpty) dx[i] = g * loss.GradInput(x[i], y[i], pi);
            if (!dy.IsEmpty) dy[i] = g * loss.GradTarget(x[i], y[i], pi);
        }
    }
}

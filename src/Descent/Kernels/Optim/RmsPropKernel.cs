using System.Numerics;
using System.Runtime.CompilerServices;

namespace Descent.Kernels.Optim;

/// <summary>Per-step scalars of an RMSprop update.</summary>
/// <param name="Lr">Learning rate.</param>
/// <param name="Alpha">Smoothing constant of the squared-gradient average.</param>
/// <param name="Eps">ε added to the root.</param>
/// <param name="WeightDecay">Coupled L2 coefficient.</param>
/// <param name="Momentum">Momentum of the update buffer; 0 for none.</param>
/// <param name="Centered">Normalize by the variance estimate (subtract the squared mean gradient).</param>
/// <param name="Maximize">Ascend instead of descend.</param>
public readonly record struct RmsPropCoefficients(
    double Lr, double Alpha, double Eps, double WeightDecay, double Momentum, bool Centered, bool Maximize);

/// <summary>
/// Fused RMSprop update (Hinton's lecture 6e; PyTorch's single-tensor form): g ← ±g + wd·p;
/// s ← αs + (1−α)g²; centered: ḡ ← αḡ + (1−α)g, avg ← √(s − ḡ²) + ε, else avg ← √s + ε;
/// momentum: buf ← μ·buf + g/avg, p ← p − lr·buf; else p ← p − lr·g/avg.
/// </summary>
public static unsafe class RmsPropKernel
{
    /// <summary>
    /// Updates <paramref name="param"/>, <paramref name="squareAvg"/>, and when used <paramref name="gradAvg"/>
    /// (centered) and <paramref name="momentumBuffer"/> (momentum &gt; 0); unused buffers may be empty.
    /// </summary>
    public static void Step<T>(Span<T> param, ReadOnlySpan<T> grad, Span<T> squareAvg, Span<T> gradAvg,
        Span<T> momentumBuffer, in RmsPropCoefficients c) where T : unmanaged, IFloatingPointIeee754<T>
    {
        KernelChecks.SameLength("rmsprop", param.Length, grad.Length, squareAvg.Length);
        if (c.Centered) KernelChecks.SameLength("rmsprop", param.Length, gradAvg.Length);
        if (c.Momentum > 0) KernelChecks.SameLength("rmsprop", param.Length, momentumBuffer.Length);
        fixed (T* p = param, g = grad, s = squareAvg, ga = gradAvg, buf = momentumBuffer)
            FusedLoop.Run<T, Update<T>>(new Update<T>(p, g, s, ga, buf, c), param.Length);
    }

    private readonly struct Update<T> : IFusedUpdate<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly T* _p, _g, _s, _ga, _buf;
        private readonly T _negLr, _alpha, _oneMinusAlpha, _eps, _wd, _mu;
        private readonly bool _centered, _momentum, _maximize, _l2;

        public Update(T* p, T* g, T* s, T* ga, T* buf, in RmsPropCoefficients c)
        {
            _p = p;
            _g = g;
            _s = s;
            _ga = ga;
            _buf = buf;
            _negLr = T.CreateTruncating(-c.Lr);
            _alpha = T.CreateTruncating(c.Alpha);
            _oneMinusAlpha = T.CreateTruncating(1 - c.Alpha);
            _eps = T.CreateTruncating(c.Eps);
            _wd = T.CreateTruncating(c.WeightDecay);
            _mu = T.CreateTruncating(c.Momentum);
            _centered = c.Centered;
            _momentum = c.Momentum > 0;
            _maximize = c.Maximize;
            _l2 = c.WeightDecay != 0;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public int Vector<TV>(int i, int end) where TV : unmanaged, ISimdVector<TV, T>
        {
            T* pp = _p, gp = _g, sp = _s, gap = _ga, bufp = _buf;
            bool centered = _centered, momentum = _momentum, maximize = _maximize, l2 = _l2;
            TV negLr = TV.Splat(_negLr), alpha = TV.Splat(_alpha), oma = TV.Splat(_oneMinusAlpha),
               eps = TV.Splat(_eps), wd = TV.Splat(_wd), mu = TV.Splat(_mu);
            for (; i <= end - TV.Count; i += TV.Count)
            {
                var g = TV.Load(gp + i);
                var p = TV.Load(pp + i);
                if (maximize) g = TV.Neg(g);
                if (l2) g = TV.Add(g, TV.Mul(wd, p));
                var s = TV.Add(TV.Mul(TV.Load(sp + i), alpha), TV.Mul(TV.Mul(oma, g), g));
                TV.Store(s, sp + i);
                TV avg;
                if (centered)
                {
                    var ga = TV.Add(TV.Mul(TV.Load(gap + i), alpha), TV.Mul(oma, g));
                    TV.Store(ga, gap + i);
                    avg = TV.Add(TV.Sqrt(TV.Sub(s, TV.Mul(ga, ga))), eps);
                }
                else
                {
                    avg = TV.Add(TV.Sqrt(s), eps);
                }
                if (momentum)
                {
                    var buf = TV.Add(TV.Mul(TV.Load(bufp + i), mu), TV.Div(g, avg));
                    TV.Store(buf, bufp + i);
                    p = TV.Add(p, TV.Mul(negLr, buf));
                }
                else
                {
                    p = TV.Add(p, TV.Mul(negLr, TV.Div(g, avg)));
                }
                TV.Store(p, pp + i);
            }
            return i;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Scalar(int i, int end)
        {
            T* pp = _p, gp = _g, sp = _s, gap = _ga, bufp = _buf;
            bool centered = _centered, momentum = _momentum, maximize = _maximize, l2 = _l2;
            T negLr = _negLr, alpha = _alpha, oneMinusAlpha = _oneMinusAlpha, eps = _eps, wd = _wd, mu = _mu;
            for (; i < end; i++)
            {
                T g = gp[i], p = pp[i];
                if (maximize) g = -g;
                if (l2) g += wd * p;
                T s = sp[i] * alpha + oneMinusAlpha * g * g;
                sp[i] = s;
                T avg;
                if (centered)
                {
                    T ga = gap[i] * alpha + oneMinusAlpha * g;
                    gap[i] = ga;
                    avg = T.Sqrt(s - ga * ga) + eps;
                }
                else
                {
                    avg = T.Sqrt(s) + eps;
                }
                if (momentum)
                {
                    T buf = bufp[i] * mu + g / avg;
                    bufp[i] = buf;
                    p += negLr * buf;
                }
                else
                {
                    p += negLr * (g / avg);
                }
                pp[i] = p;
            }
        }
    }
}

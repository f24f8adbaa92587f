using System.Numerics;
using System.Runtime.CompilerServices;

namespace Descent.Kernels.Optim;

/// <summary>Per-step scalars of a RAdam update.</summary>
/// <param name="Lr">Learning rate.</param>
/// <param name="Beta1">β₁, decay of the first moment.</param>
/// <param name="Beta2">β₂, decay of the second moment.</param>
/// <param name="Eps">ε added to √v.</param>
/// <param name="BiasCorrection1">1 − β₁ᵗ.</param>
/// <param name="BiasCorrection2Sqrt">√(1 − β₂ᵗ).</param>
/// <param name="Rectification">r_t when the variance is tractable (ρ_t &gt; 5), or null for the un-adapted step.</param>
/// <param name="WeightDecay">Coupled L2 coefficient.</param>
/// <param name="Maximize">Ascend instead of descend.</param>
public readonly record struct RAdamCoefficients(
    double Lr, double Beta1, double Beta2, double Eps, double BiasCorrection1, double BiasCorrection2Sqrt,
    double? Rectification, double WeightDecay, bool Maximize);

/// <summary>
/// Fused RAdam update (Liu et al. 2020; PyTorch's single-tensor form): g ← ±g + wd·p; m, v as in Adam;
/// m̂ ← m/(1−β₁ᵗ); p ← p − m̂·lr·(√(1−β₂ᵗ)/(√v + ε))·r_t when rectified, else p ← p − m̂·lr.
/// </summary>
public static unsafe class RAdamKernel
{
    /// <summary>Updates <paramref name="param"/>, <paramref name="expAvg"/> and <paramref name="expAvgSq"/> in place.</summary>
    public static void Step<T>(Span<T> param, ReadOnlySpan<T> grad, Span<T> expAvg, Span<T> expAvgSq, in RAdamCoefficients c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        KernelChecks.SameLength("radam", param.Length, grad.Length, expAvg.Length, expAvgSq.Length);
        fixed (T* p = param, g = grad, m = expAvg, v = expAvgSq)
            FusedLoop.Run<T, Update<T>>(new Update<T>(p, g, m, v, c), param.Length);
    }

    private readonly struct Update<T> : IFusedUpdate<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly T* _p, _g, _m, _v;
        private readonly T _lr, _beta1, _oneMinusBeta1, _beta2, _oneMinusBeta2, _eps, _bc1, _bc2Sqrt, _rect, _wd;
        private readonly bool _rectified, _maximize, _l2;

        public Update(T* p, T* g, T* m, T* v, in RAdamCoefficients c)
        {
            _p = p;
            _g = g;
            _m = m;
            _v = v;
            _lr = T.CreateTruncating(c.Lr);
            _beta1 = T.CreateTruncating(c.Beta1);
            _oneMinusBeta1 = T.CreateTruncating(1 - c.Beta1);
            _beta2 = T.CreateTruncating(c.Beta2);
            _oneMinusBeta2 = T.CreateTruncating(1 - c.Beta2);
            _eps = T.CreateTruncating(c.Eps);
            _bc1 = T.CreateTruncating(c.BiasCorrection1);
            _bc2Sqrt = T.CreateTruncating(c.BiasCorrection2Sqrt);
            _rectified = c.Rectification.HasValue;
            _rect = T.CreateTruncating(c.Rectification ?? 0);
            _wd = T.CreateTruncating(c.WeightDecay);
            _maximize = c.Maximize;
            _l2 = c.WeightDecay != 0;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public int Vector<TV>(int i, int end) where TV : unmanaged, ISimdVector<TV, T>
        {
            T* pp = _p, gp = _g, mp = _m, vp = _v;
            bool rectified = _rectified, maximize = _maximize, l2 = _l2;
            TV lr = TV.Splat(_lr), beta1 = TV.Splat(_beta1), omb1 = TV.Splat(_oneMinusBeta1), beta2 = TV.Splat(_beta2),
               omb2 = TV.Splat(_oneMinusBeta2), eps = TV.Splat(_eps), bc1 = TV.Splat(_bc1),
               bc2 = TV.Splat(_bc2Sqrt), rect = TV.Splat(_rect), wd = TV.Splat(_wd);
            for (; i <= end - TV.Count; i += TV.Count)
            {
                var g = TV.Load(gp + i);
                var p = TV.Load(pp + i);
                if (maximize) g = TV.Neg(g);
                if (l2) g = TV.Add(g, TV.Mul(wd, p));
                var m = TV.Add(TV.Mul(TV.Load(mp + i), beta1), TV.Mul(omb1, g));
                var v = TV.Add(TV.Mul(TV.Load(vp + i), beta2), TV.Mul(TV.Mul(omb2, g), g));
                TV.Store(m, mp + i);
                TV.Store(v, vp + i);
                var step = TV.Mul(TV.Div(m, bc1), lr);
                if (rectified)
                    step = TV.Mul(TV.Mul(step, TV.Div(bc2, TV.Add(TV.Sqrt(v), eps))), rect);
                TV.Store(TV.Sub(p, step), pp + i);
            }
            return i;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Scalar(int i, int end)
        {
            T* pp = _p, gp = _g, mp = _m, vp = _v;
            bool rectified = _rectified, maximize = _maximize, l2 = _l2;
            T lr = _lr, beta1 = _beta1, oneMinusBeta1 = _oneMinusBeta1, beta2 = _beta2, oneMinusBeta2 = _oneMinusBeta2,
              eps = _eps, bc1 = _bc1, bc2Sqrt = _bc2Sqrt, rect = _rect, wd = _wd;
            for (; i < end; i++)
            {
                T g = gp[i], p = pp[i];
                if (maximize) g = -g;
                if (l2) g += wd * p;
                T m = mp[i] * beta1 + oneMinusBeta1 * g;
                T v = vp[i] * beta2 + oneMinusBeta2 * g * g;
                mp[i] = m;
                vp[i] = v;
                T step = m / bc1 * lr;
                if (rectified)
                    step = step * (bc2Sqrt / (T.Sqrt(v) + eps)) * rect;
                pp[i] = p - step;
            }
        }
    }
}

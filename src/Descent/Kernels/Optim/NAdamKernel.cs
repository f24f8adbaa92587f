using System.Numerics;
using System.Runtime.CompilerServices;

namespace Descent.Kernels.Optim;

/// <summary>Per-step scalars of an NAdam update.</summary>
/// <param name="Beta1">β₁, decay of the first moment.</param>
/// <param name="Beta2">β₂, decay of the second moment.</param>
/// <param name="Eps">ε added to the bias-corrected root.</param>
/// <param name="BiasCorrection2">1 − β₂ᵗ.</param>
/// <param name="GradCoefficient">−lr·(1−μₜ)/(1−Πμ up to t).</param>
/// <param name="ExpAvgCoefficient">−lr·μₜ₊₁/(1−Πμ up to t+1).</param>
/// <param name="WeightDecay">Coupled L2 coefficient.</param>
/// <param name="Maximize">Ascend instead of descend.</param>
public readonly record struct NAdamCoefficients(
    double Beta1, double Beta2, double Eps, double BiasCorrection2, double GradCoefficient, double ExpAvgCoefficient,
    double WeightDecay, bool Maximize);

/// <summary>
/// Fused NAdam update (Dozat 2016; PyTorch ≥ 2.0 single-tensor form): g ← ±g + wd·p; m ← β₁m + (1−β₁)g;
/// v ← β₂v + (1−β₂)g²; d ← √(v/(1−β₂ᵗ)) + ε; p ← p + c_g·g/d + c_m·m/d.
/// </summary>
public static unsafe class NAdamKernel
{
    /// <summary>Updates <paramref name="param"/>, <paramref name="expAvg"/> and <paramref name="expAvgSq"/> in place.</summary>
    public static void Step<T>(Span<T> param, ReadOnlySpan<T> grad, Span<T> expAvg, Span<T> expAvgSq, in NAdamCoefficients c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        KernelChecks.SameLength("nadam", param.Length, grad.Length, expAvg.Length, expAvgSq.Length);
        fixed (T* p = param, g = grad, m = expAvg, v = expAvgSq)
            FusedLoop.Run<T, Update<T>>(new Update<T>(p, g, m, v, c), param.Length);
    }

    private readonly struct Update<T> : IFusedUpdate<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly T* _p, _g, _m, _v;
        private readonly T _beta1, _oneMinusBeta1, _beta2, _oneMinusBeta2, _eps, _bc2, _cg, _cm, _wd;
        private readonly bool _maximize, _l2;

        public Update(T* p, T* g, T* m, T* v, in NAdamCoefficients c)
        {
            _p = p;
            _g = g;
            _m = m;
            _v = v;
            _beta1 = T.CreateTruncating(c.Beta1);
            _oneMinusBeta1 = T.CreateTruncating(1 - c.Beta1);
            _beta2 = T.CreateTruncating(c.Beta2);
            _oneMinusBeta2 = T.CreateTruncating(1 - c.Beta2);
            _eps = T.CreateTruncating(c.Eps);
            _bc2 = T.CreateTruncating(c.BiasCorrection2);
            _cg = T.CreateTruncating(c.GradCoefficient);
            _cm = T.CreateTruncating(c.ExpAvgCoefficient);
            _wd = T.CreateTruncating(c.WeightDecay);
            _maximize = c.Maximize;
            _l2 = c.WeightDecay != 0;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public int Vector<TV>(int i, int end) where TV : unmanaged, ISimdVector<TV, T>
        {
            T* pp = _p, gp = _g, mp = _m, vp = _v;
            bool maximize = _maximize, l2 = _l2;
            TV beta1 = TV.Splat(_beta1), omb1 = TV.Splat(_oneMinusBeta1), beta2 = TV.Splat(_beta2),
               omb2 = TV.Splat(_oneMinusBeta2), eps = TV.Splat(_eps), bc2 = TV.Splat(_bc2),
               cg = TV.Splat(_cg), cm = TV.Splat(_cm), wd = TV.Splat(_wd);
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
                var denom = TV.Add(TV.Sqrt(TV.Div(v, bc2)), eps);
                p = TV.Add(p, TV.Mul(cg, TV.Div(g, denom)));
                TV.Store(TV.Add(p, TV.Mul(cm, TV.Div(m, denom))), pp + i);
            }
            return i;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Scalar(int i, int end)
        {
            T* pp = _p, gp = _g, mp = _m, vp = _v;
            bool maximize = _maximize, l2 = _l2;
            T beta1 = _beta1, oneMinusBeta1 = _oneMinusBeta1, beta2 = _beta2, oneMinusBeta2 = _oneMinusBeta2, eps = _eps,
              bc2 = _bc2, cg = _cg, cm = _cm, wd = _wd;
            for (; i < end; i++)
            {
                T g = gp[i], p = pp[i];
                if (maximize) g = -g;
                if (l2) g += wd * p;
                T m = mp[i] * beta1 + oneMinusBeta1 * g;
                T v = vp[i] * beta2 + oneMinusBeta2 * g * g;
                mp[i] = m;
                vp[i] = v;
                T denom = T.Sqrt(v / bc2) + eps;
                p += cg * (g / denom);
                pp[i] = p + cm * (m / denom);
            }
        }
    }
}

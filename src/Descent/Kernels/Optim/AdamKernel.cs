using System.Numerics;
using System.Runtime.CompilerServices;

namespace Descent.Kernels.Optim;

/// <summary>
/// Per-step scalars of an Adam/AdamW update (computed by the optimizer in double, converted to the element type
/// by the kernel, as PyTorch converts Python scalars).
/// </summary>
/// <param name="Beta1">β₁, decay of the first moment.</param>
/// <param name="Beta2">β₂, decay of the second moment.</param>
/// <param name="Eps">ε added to the bias-corrected root of the second moment.</param>
/// <param name="StepSize">lr / (1 − β₁ᵗ).</param>
/// <param name="BiasCorrection2Sqrt">√(1 − β₂ᵗ).</param>
/// <param name="WeightDecay">Coupled L2 coefficient added to the gradient (Adam); 0 for none.</param>
/// <param name="DecoupledDecay">Factor the parameter is multiplied by before the update (AdamW: 1 − lr·wd); 1 for none.</param>
/// <param name="Amsgrad">Use the running maximum of the second moment.</param>
/// <param name="Maximize">Ascend instead of descend (the gradient is negated).</param>
public readonly record struct AdamCoefficients(
    double Beta1, double Beta2, double Eps, double StepSize, double BiasCorrection2Sqrt,
    double WeightDecay, double DecoupledDecay, bool Amsgrad, bool Maximize);

/// <summary>
/// Fused Adam/AdamW update (Kingma &amp; Ba 2015; decoupled decay: Loshchilov &amp; Hutter 2019), one pass over
/// param, grad and state, following PyTorch's single-tensor implementation:
/// p ← p·decay; g ← ±g + wd·p; m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; v̂max ← max(v̂max, v);
/// p ← p − stepSize · m / (√v · (1/√(1−β₂ᵗ)) + ε).
/// </summary>
public static unsafe class AdamKernel
{
    /// <summary>
    /// Updates <paramref name="param"/>, <paramref name="expAvg"/>, <paramref name="expAvgSq"/> (and
    /// <paramref name="maxExpAvgSq"/> when AMSGrad is on; otherwise it may be empty) in place.
    /// </summary>
    public static void Step<T>(Span<T> param, ReadOnlySpan<T> grad, Span<T> expAvg, Span<T> expAvgSq,
        Span<T> maxExpAvgSq, in AdamCoefficients c) where T : unmanaged, IFloatingPointIeee754<T>
    {
        KernelChecks.SameLength("adam", param.Length, grad.Length, expAvg.Length, expAvgSq.Length);
        if (c.Amsgrad) KernelChecks.SameLength("adam", param.Length, maxExpAvgSq.Length);
        fixed (T* p = param, g = grad, m = expAvg, v = expAvgSq, vmax = maxExpAvgSq)
        {
            var update = new Update<T>(p, g, m, v, vmax, c);
            FusedLoop.Run<T, Update<T>>(update, param.Length);
        }
    }

    private readonly struct Update<T> : IFusedUpdate<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly T* _p, _g, _m, _v, _vmax;
        private readonly T _beta1, _oneMinusBeta1, _beta2, _oneMinusBeta2, _eps, _negStepSize, _invBc2Sqrt, _wd, _decay;
        private readonly bool _amsgrad, _maximize, _l2, _decoupled;

        public Update(T* p, T* g, T* m, T* v, T* vmax, in AdamCoefficients c)
        {
            _p = p;
            _g = g;
            _m = m;
            _v = v;
            _vmax = vmax;
            _beta1 = T.CreateTruncating(c.Beta1);
            _oneMinusBeta1 = T.CreateTruncating(1 - c.Beta1);
            _beta2 = T.CreateTruncating(c.Beta2);
            _oneMinusBeta2 = T.CreateTruncating(1 - c.Beta2);
            _eps = T.CreateTruncating(c.Eps);
            _negStepSize = T.CreateTruncating(-c.StepSize);
            // Multiplying by 1/√(1−β₂ᵗ) instead of dividing saves a division per element (≤ 1 ulp from PyTorch).
            _invBc2Sqrt = T.CreateTruncating(1 / c.BiasCorrection2Sqrt);
            _wd = T.CreateTruncating(c.WeightDecay);
            _decay = T.CreateTruncating(c.DecoupledDecay);
            _amsgrad = c.Amsgrad;
            _maximize = c.Maximize;
            _l2 = c.WeightDecay != 0;
            _decoupled = c.DecoupledDecay != 1;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public int Vector<TV>(int i, int end) where TV : unmanaged, ISimdVector<TV, T>
        {
            // Locals, not fields: stores through the pointers could alias `this`, which would force reloads.
            T* pp = _p, gp = _g, mp = _m, vp = _v, xp = _vmax;
            bool maximize = _maximize, decoupled = _decoupled, l2 = _l2, amsgrad = _amsgrad;
            TV beta1 = TV.Splat(_beta1), omb1 = TV.Splat(_oneMinusBeta1), beta2 = TV.Splat(_beta2),
               omb2 = TV.Splat(_oneMinusBeta2), eps = TV.Splat(_eps), nss = TV.Splat(_negStepSize),
               invBc2 = TV.Splat(_invBc2Sqrt), wd = TV.Splat(_wd), decay = TV.Splat(_decay);
            for (; i <= end - TV.Count; i += TV.Count)
            {
                var g = TV.Load(gp + i);
                var p = TV.Load(pp + i);
                if (maximize) g = TV.Neg(g);
                if (decoupled) p = TV.Mul(p, decay);
                if (l2) g = TV.Add(g, TV.Mul(wd, p));
                var m = TV.Add(TV.Mul(TV.Load(mp + i), beta1), TV.Mul(omb1, g));
                var v = TV.Add(TV.Mul(TV.Load(vp + i), beta2), TV.Mul(TV.Mul(omb2, g), g));
                TV.Store(m, mp + i);
                TV.Store(v, vp + i);
                if (amsgrad)
                {
                    v = TV.Max(TV.Load(xp + i), v);
                    TV.Store(v, xp + i);
                }
                var denom = TV.Add(TV.Mul(TV.Sqrt(v), invBc2), eps);
                TV.Store(TV.Add(p, TV.Mul(nss, TV.Div(m, denom))), pp + i);
            }
            return i;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Scalar(int i, int end)
        {
            T* pp = _p, gp = _g, mp = _m, vp = _v, xp = _vmax;
            bool maximize = _maximize, decoupled = _decoupled, l2 = _l2, amsgrad = _amsgrad;
            T beta1 = _beta1, omb1 = _oneMinusBeta1, beta2 = _beta2, omb2 = _oneMinusBeta2, eps = _eps, nss = _negStepSize,
              invBc2 = _invBc2Sqrt, wd = _wd, decay = _decay;
            for (; i < end; i++)
            {
                T g = gp[i], p = pp[i];
                if (maximize) g = -g;
                if (decoupled) p *= decay;
                if (l2) g += wd * p;
                T m = mp[i] * beta1 + omb1 * g;
                T v = vp[i] * beta2 + omb2 * g * g;
                mp[i] = m;
                vp[i] = v;
                if (amsgrad)
                {
                    v = T.Max(xp[i], v);
                    xp[i] = v;
                }
                T denom = T.Sqrt(v) * invBc2 + eps;
                pp[i] = p + nss * (m / denom);
            }
        }
    }
}

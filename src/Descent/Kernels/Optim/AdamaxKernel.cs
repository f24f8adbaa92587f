using System.Numerics;
using System.Runtime.CompilerServices;

namespace Descent.Kernels.Optim;

/// <summary>Per-step scalars of an Adamax update.</summary>
/// <param name="Beta1">β₁, decay of the first moment.</param>
/// <param name="Beta2">β₂, decay of the infinity norm.</param>
/// <param name="Eps">ε added to |g| before the maximum.</param>
/// <param name="ClippedLr">lr / (1 − β₁ᵗ).</param>
/// <param name="WeightDecay">Coupled L2 coefficient.</param>
/// <param name="Maximize">Ascend instead of descend.</param>
public readonly record struct AdamaxCoefficients(
    double Beta1, double Beta2, double Eps, double ClippedLr, double WeightDecay, bool Maximize);

/// <summary>
/// Fused Adamax update (Kingma &amp; Ba 2015, §7.1; PyTorch's single-tensor form): g ← ±g + wd·p;
/// m ← β₁m + (1−β₁)g; u ← max(β₂u, |g| + ε); p ← p − clr · m / u.
/// </summary>
public static unsafe class AdamaxKernel
{
    /// <summary>Updates <paramref name="param"/>, <paramref name="expAvg"/> and <paramref name="expInf"/> in place.</summary>
    public static void Step<T>(Span<T> param, ReadOnlySpan<T> grad, Span<T> expAvg, Span<T> expInf, in AdamaxCoefficients c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        KernelChecks.SameLength("adamax", param.Length, grad.Length, expAvg.Length, expInf.Length);
        fixed (T* p = param, g = grad, m = expAvg, u = expInf)
            FusedLoop.Run<T, Update<T>>(new Update<T>(p, g, m, u, c), param.Length);
    }

    private readonly struct Update<T> : IFusedUpdate<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly T* _p, _g, _m, _u;
        private readonly T _beta1, _oneMinusBeta1, _beta2, _eps, _negClr, _wd;
        private readonly bool _maximize, _l2;

        public Update(T* p, T* g, T* m, T* u, in AdamaxCoefficients c)
        {
            _p = p;
            _g = g;
            _m = m;
            _u = u;
            _beta1 = T.CreateTruncating(c.Beta1);
            _oneMinusBeta1 = T.CreateTruncating(1 - c.Beta1);
            _beta2 = T.CreateTruncating(c.Beta2);
            _eps = T.CreateTruncating(c.Eps);
            _negClr = T.CreateTruncating(-c.ClippedLr);
            _wd = T.CreateTruncating(c.WeightDecay);
            _maximize = c.Maximize;
            _l2 = c.WeightDecay != 0;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public int Vector<TV>(int i, int end) where TV : unmanaged, ISimdVector<TV, T>
        {
            T* pp = _p, gp = _g, mp = _m, up = _u;
            bool maximize = _maximize, l2 = _l2;
            TV beta1 = TV.Splat(_beta1), omb1 = TV.Splat(_oneMinusBeta1), beta2 = TV.Splat(_beta2),
               eps = TV.Splat(_eps), negClr = TV.Splat(_negClr), wd = TV.Splat(_wd);
            for (; i <= end - TV.Count; i += TV.Count)
            {
                var g = TV.Load(gp + i);
                var p = TV.Load(pp + i);
                if (maximize) g = TV.Neg(g);
                if (l2) g = TV.Add(g, TV.Mul(wd, p));
                var m = TV.Add(TV.Mul(TV.Load(mp + i), beta1), TV.Mul(omb1, g));
                var u = TV.Max(TV.Mul(TV.Load(up + i), beta2), TV.Add(TV.Abs(g), eps));
                TV.Store(m, mp + i);
                TV.Store(u, up + i);
                TV.Store(TV.Add(p, TV.Mul(negClr, TV.Div(m, u))), pp + i);
            }
            return i;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Scalar(int i, int end)
        {
            T* pp = _p, gp = _g, mp = _m, up = _u;
            bool maximize = _maximize, l2 = _l2;
            T beta1 = _beta1, oneMinusBeta1 = _oneMinusBeta1, beta2 = _beta2, eps = _eps, negClr = _negClr, wd = _wd;
            for (; i < end; i++)
            {
                T g = gp[i], p = pp[i];
                if (maximize) g = -g;
                if (l2) g += wd * p;
                T m = mp[i] * beta1 + oneMinusBeta1 * g;
                T u = T.Max(up[i] * beta2, T.Abs(g) + eps);
                mp[i] = m;
                up[i] = u;
                pp[i] = p + negClr * (m / u);
            }
        }
    }
}

using System.Numerics;
using System.Runtime.CompilerServices;

namespace Descent.Kernels.Optim;

/// <summary>Per-step scalars of an Adadelta update.</summary>
/// <param name="Lr">Learning rate (scales the computed delta; 1 in Zeiler's paper).</param>
/// <param name="Rho">ρ, decay of both running averages.</param>
/// <param name="Eps">ε inside both roots.</param>
/// <param name="WeightDecay">Coupled L2 coefficient.</param>
/// <param name="Maximize">Ascend instead of descend.</param>
public readonly record struct AdadeltaCoefficients(double Lr, double Rho, double Eps, double WeightDecay, bool Maximize);

/// <summary>
/// Fused Adadelta update (Zeiler 2012; PyTorch's single-tensor form): g ← ±g + wd·p; s ← ρs + (1−ρ)g²;
/// Δ ← √(a + ε)/√(s + ε)·g; a ← ρa + (1−ρ)Δ²; p ← p − lr·Δ.
/// </summary>
public static unsafe class AdadeltaKernel
{
    /// <summary>Updates <paramref name="param"/>, <paramref name="squareAvg"/> and <paramref name="accDelta"/> in place.</summary>
    public static void Step<T>(Span<T> param, ReadOnlySpan<T> grad, Span<T> squareAvg, Span<T> accDelta, in AdadeltaCoefficients c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        KernelChecks.SameLength("adadelta", param.Length, grad.Length, squareAvg.Length, accDelta.Length);
        fixed (T* p = param, g = grad, s = squareAvg, a = accDelta)
            FusedLoop.Run<T, Update<T>>(new Update<T>(p, g, s, a, c), param.Length);
    }

    private readonly struct Update<T> : IFusedUpdate<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly T* _p, _g, _s, _a;
        private readonly T _negLr, _rho, _oneMinusRho, _eps, _wd;
        private readonly bool _maximize, _l2;

        public Update(T* p, T* g, T* s, T* a, in AdadeltaCoefficients c)
        {
            _p = p;
            _g = g;
            _s = s;
            _a = a;
            _negLr = T.CreateTruncating(-c.Lr);
            _rho = T.CreateTruncating(c.Rho);
            _oneMinusRho = T.CreateTruncating(1 - c.Rho);
            _eps = T.CreateTruncating(c.Eps);
            _wd = T.CreateTruncating(c.WeightDecay);
            _maximize = c.Maximize;
            _l2 = c.WeightDecay != 0;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public int Vector<TV>(int i, int end) where TV : unmanaged, ISimdVector<TV, T>
        {
            T* pp = _p, gp = _g, sp = _s, ap = _a;
            bool maximize = _maximize, l2 = _l2;
            TV negLr = TV.Splat(_negLr), rho = TV.Splat(_rho), omr = TV.Splat(_oneMinusRho),
               eps = TV.Splat(_eps), wd = TV.Splat(_wd);
            for (; i <= end - TV.Count; i += TV.Count)
            {
                var g = TV.Load(gp + i);
                var p = TV.Load(pp + i);
                if (maximize) g = TV.Neg(g);
                if (l2) g = TV.Add(g, TV.Mul(wd, p));
                var s = TV.Add(TV.Mul(TV.Load(sp + i), rho), TV.Mul(TV.Mul(omr, g), g));
                TV.Store(s, sp + i);
                var std = TV.Sqrt(TV.Add(s, eps));
                var a = TV.Load(ap + i);
                var delta = TV.Mul(TV.Div(TV.Sqrt(TV.Add(a, eps)), std), g);
                TV.Store(TV.Add(TV.Mul(a, rho), TV.Mul(TV.Mul(omr, delta), delta)), ap + i);
                TV.Store(TV.Add(p, TV.Mul(negLr, delta)), pp + i);
            }
            return i;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Scalar(int i, int end)
        {
            T* pp = _p, gp = _g, sp = _s, ap = _a;
            bool maximize = _maximize, l2 = _l2;
            T negLr = _negLr, rho = _rho, oneMinusRho = _oneMinusRho, eps = _eps, wd = _wd;
            for (; i < end; i++)
            {
                T g = gp[i], p = pp[i];
                if (maximize) g = -g;
                if (l2) g += wd * p;
                T s = sp[i] * rho + oneMinusRho * g * g;
                sp[i] = s;
                T std = T.Sqrt(s + eps);
                T a = ap[i];
                T delta = T.Sqrt(a + eps) / std * g;
                ap[i] = a * rho + oneMinusRho * delta * delta;
                pp[i] = p + negLr * delta;
            }
        }
    }
}

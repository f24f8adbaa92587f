using System.Numerics;
using System.Runtime.CompilerServices;

namespace Descent.Kernels.Optim;

/// <summary>Per-step scalars of an Adagrad update.</summary>
/// <param name="ClippedLr">lr / (1 + (t−1)·lr_decay).</param>
/// <param name="Eps">ε added to √sum.</param>
/// <param name="WeightDecay">Coupled L2 coefficient.</param>
/// <param name="Maximize">Ascend instead of descend.</param>
public readonly record struct AdagradCoefficients(double ClippedLr, double Eps, double WeightDecay, bool Maximize);

/// <summary>
/// Fused Adagrad update (Duchi et al. 2011; PyTorch's single-tensor form): g ← ±g + wd·p; sum ← sum + g²;
/// p ← p − clr · g / (√sum + ε).
/// </summary>
public static unsafe class AdagradKernel
{
    /// <summary>Updates <paramref name="param"/> and <paramref name="sum"/> in place.</summary>
    public static void Step<T>(Span<T> param, ReadOnlySpan<T> grad, Span<T> sum, in AdagradCoefficients c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        KernelChecks.SameLength("adagrad", param.Length, grad.Length, sum.Length);
        fixed (T* p = param, g = grad, s = sum)
            FusedLoop.Run<T, Update<T>>(new Update<T>(p, g, s, c), param.Length);
    }

    private readonly struct Update<T> : IFusedUpdate<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly T* _p, _g, _s;
        private readonly T _negClr, _eps, _wd;
        private readonly bool _maximize, _l2;

        public Update(T* p, T* g, T* s, in AdagradCoefficients c)
        {
            _p = p;
            _g = g;
            _s = s;
            _negClr = T.CreateTruncating(-c.ClippedLr);
            _eps = T.CreateTruncating(c.Eps);
            _wd = T.CreateTruncating(c.WeightDecay);
            _maximize = c.Maximize;
            _l2 = c.WeightDecay != 0;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public int Vector<TV>(int i, int end) where TV : unmanaged, ISimdVector<TV, T>
        {
            T* pp = _p, gp = _g, sp = _s;
            bool maximize = _maximize, l2 = _l2;
            TV negClr = TV.Splat(_negClr), eps = TV.Splat(_eps), wd = TV.Splat(_wd);
            for (; i <= end - TV.Count; i += TV.Count)
            {
                var g = TV.Load(gp + i);
                var p = TV.Load(pp + i);
                if (maximize) g = TV.Neg(g);
                if (l2) g = TV.Add(g, TV.Mul(wd, p));
                var s = TV.Add(TV.Load(sp + i), TV.Mul(g, g));
                TV.Store(s, sp + i);
                var std = TV.Add(TV.Sqrt(s), eps);
                TV.Store(TV.Add(p, TV.Mul(negClr, TV.Div(g, std))), pp + i);
            }
            return i;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Scalar(int i, int end)
        {
            T* pp = _p, gp = _g, sp = _s;
            bool maximize = _maximize, l2 = _l2;
            T negClr = _negClr, eps = _eps, wd = _wd;
            for (; i < end; i++)
            {
                T g = gp[i], p = pp[i];
                if (maximize) g = -g;
                if (l2) g += wd * p;
                T s = sp[i] + g * g;
                sp[i] = s;
                T std = T.Sqrt(s) + eps;
                pp[i] = p + negClr * (g / std);
            }
        }
    }
}

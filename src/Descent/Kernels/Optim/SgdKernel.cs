using System.Numerics;
using System.Runtime.CompilerServices;

namespace Descent.Kernels.Optim;

/// <summary>Per-step scalars of an SGD update.</summary>
/// <param name="Lr">Learning rate.</param>
/// <param name="Momentum">μ; 0 disables the momentum buffer.</param>
/// <param name="Dampening">τ: the gradient enters the buffer as (1−τ)·g (the EMA form uses τ = μ).</param>
/// <param name="WeightDecay">Coupled L2 coefficient added to the gradient.</param>
/// <param name="Nesterov">Use g + μ·buf instead of buf.</param>
/// <param name="Maximize">Ascend instead of descend.</param>
/// <param name="InitializeBuffer">PyTorch's first momentum step: buf ← g (no dampening) instead of the update.</param>
public readonly record struct SgdCoefficients(
    double Lr, double Momentum, double Dampening, double WeightDecay, bool Nesterov, bool Maximize, bool InitializeBuffer);

/// <summary>
/// Fused SGD update (PyTorch's single-tensor SGD): d ← ±g + wd·p; with momentum buf ← μ·buf + (1−τ)·d
/// (buf ← d on PyTorch's first step), d ← nesterov ? d + μ·buf : buf; p ← p − lr·d.
/// </summary>
public static unsafe class SgdKernel
{
    /// <summary>Updates <paramref name="param"/> (and <paramref name="momentumBuffer"/> when momentum ≠ 0; otherwise it may be empty).</summary>
    public static void Step<T>(Span<T> param, ReadOnlySpan<T> grad, Span<T> momentumBuffer, in SgdCoefficients c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        KernelChecks.SameLength("sgd", param.Length, grad.Length);
        if (c.Momentum != 0) KernelChecks.SameLength("sgd", param.Length, momentumBuffer.Length);
        fixed (T* p = param, g = grad, buf = momentumBuffer)
            FusedLoop.Run<T, Update<T>>(new Update<T>(p, g, buf, c), param.Length);
    }

    private readonly struct Update<T> : IFusedUpdate<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly T* _p, _g, _buf;
        private readonly T _negLr, _mu, _oneMinusDampening, _wd;
        private readonly bool _momentum, _nesterov, _maximize, _l2, _init;

        public Update(T* p, T* g, T* buf, in SgdCoefficients c)
        {
            _p = p;
            _g = g;
            _buf = buf;
            _negLr = T.CreateTruncating(-c.Lr);
            _mu = T.CreateTruncating(c.Momentum);
            _oneMinusDampening = T.CreateTruncating(1 - c.Dampening);
            _wd = T.CreateTruncating(c.WeightDecay);
            _momentum = c.Momentum != 0;
            _nesterov = c.Nesterov;
            _maximize = c.Maximize;
            _l2 = c.WeightDecay != 0;
            _init = c.InitializeBuffer;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public int Vector<TV>(int i, int end) where TV : unmanaged, ISimdVector<TV, T>
        {
            T* pp = _p, gp = _g, bufp = _buf;
            bool momentum = _momentum, nesterov = _nesterov, maximize = _maximize, l2 = _l2, init = _init;
            TV negLr = TV.Splat(_negLr), mu = TV.Splat(_mu), omd = TV.Splat(_oneMinusDampening), wd = TV.Splat(_wd);
            for (; i <= end - TV.Count; i += TV.Count)
            {
                var d = TV.Load(gp + i);
                var p = TV.Load(pp + i);
                if (maximize) d = TV.Neg(d);
                if (l2) d = TV.Add(d, TV.Mul(wd, p));
                if (momentum)
                {
                    var buf = init ? d : TV.Add(TV.Mul(TV.Load(bufp + i), mu), TV.Mul(omd, d));
                    TV.Store(buf, bufp + i);
                    d = nesterov ? TV.Add(d, TV.Mul(mu, buf)) : buf;
                }
                TV.Store(TV.Add(p, TV.Mul(negLr, d)), pp + i);
            }
            return i;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Scalar(int i, int end)
        {
            T* pp = _p, gp = _g, bufp = _buf;
            bool momentum = _momentum, nesterov = _nesterov, maximize = _maximize, l2 = _l2, init = _init;
            T negLr = _negLr, mu = _mu, oneMinusDampening = _oneMinusDampening, wd = _wd;
            for (; i < end; i++)
            {
                T d = gp[i], p = pp[i];
                if (maximize) d = -d;
                if (l2) d += wd * p;
                if (momentum)
                {
                    T buf = init ? d : bufp[i] * mu + oneMinusDampening * d;
                    bufp[i] = buf;
                    d = nesterov ? d + mu * buf : buf;
                }
                pp[i] = p + negLr * d;
            }
        }
    }
}

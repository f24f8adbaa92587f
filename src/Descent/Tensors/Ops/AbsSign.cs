using Descent.Kernels;
using Descent.Tensors.Autograd;

namespace Descent.Tensors;

/// <summary>abs and sign, with PyTorch's conventions at the kink: abs'(0) = sign(0) = 0, sign' = 0.</summary>
public sealed partial class Tensor
{
    /// <summary>|x| elementwise.</summary>
    public static Tensor Abs(Tensor x)
    {
        var o = UnaryForward<AbsKernel<float>, AbsKernel<double>>(x, "abs");
        if (NeedsGrad(x)) o.GradFn = new AbsNode(x);
        return o;
    }

    /// <summary>sign(x) ∈ {−1, 0, +1} elementwise; NaN gives 0, as in PyTorch.</summary>
    public static Tensor Sign(Tensor x)
    {
        var o = UnaryForward<SignKernel<float>, SignKernel<double>>(x, "sign");
        if (NeedsGrad(x)) o.GradFn = new SignNode(x);
        return o;
    }

    /// <summary>|x| elementwise.</summary>
    public Tensor Abs() => Abs(this);

    /// <summary>sign(x) elementwise.</summary>
    public Tensor Sign() => Sign(this);

    private sealed class AbsNode(Tensor x) : Node(x)
    {
        // PyTorch: grad · sgn(x), which is 0 at x = 0.
        protected internal override void Backward(Tensor g, GradSink sink) => sink.Add(0, Mul(g, Sign(x)));
    }

    private sealed class SignNode(Tensor x) : Node(x)
    {
        // Piecewise constant: zero gradient everywhere (PyTorch: zeros_like(grad)).
        protected internal override void Backward(Tensor g, GradSink sink) => sink.Add(0, ZerosLike(g));
    }
}

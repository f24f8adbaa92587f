using Descent.Kernels;
using Descent.Tensors.Autograd;

namespace Descent.Tensors;

/// <summary>
/// pow: tensor^tensor (broadcasting), tensor^scalar and scalar^tensor, with PyTorch's derivative conventions:
/// the base gets 0 where the exponent is 0; the exponent gets grad·result·log(base), set to 0 where base = 0
/// and exponent ≥ 0 (pow_backward_exponent: the limit for a → +0).
/// </summary>
public sealed partial class Tensor
{
    /// <summary>a^b elementwise (broadcasting).</summary>
    public static Tensor Pow(Tensor a, Tensor b)
    {
        var o = BinaryForward<PowKernel<float>, PowKernel<double>>(a, b, "pow");
        if (NeedsGrad(a, b)) o.GradFn = new PowNode(a, b, o.Detach());
        return o;
    }

    /// <summary>x^exponent elementwise.</summary>
    public static Tensor Pow(Tensor x, double exponent)
    {
        var o = ScalarForward<PowKernel<float>, PowKernel<double>>(x, exponent, false, "pow");
        if (NeedsGrad(x)) o.GradFn = new PowScalarExponentNode(x, exponent);
        return o;
    }

    /// <summary>base^x elementwise.</summary>
    public static Tensor Pow(double @base, Tensor x)
    {
        var o = ScalarForward<PowKernel<float>, PowKernel<double>>(x, @base, true, "pow");
        if (NeedsGrad(x)) o.GradFn = new PowScalarBaseNode(x, @base, o.Detach());
        return o;
    }

    /// <summary>this^exponent elementwise (broadcasting).</summary>
    public Tensor Pow(Tensor exponent) => Pow(this, exponent);

    /// <summary>this^exponent elementwise.</summary>
    public Tensor Pow(double exponent) => Pow(this, exponent);

    private sealed class PowNode(Tensor a, Tensor b, Tensor result) : Node(a, b)
    {
        protected internal override void Backward(Tensor g, GradSink sink)
        {
            if (sink.NeedsGrad(0))
                sink.Add(0, Where(Eq(b, 0.0), 0.0, Mul(g, Mul(b, Pow(a, Add(b, -1.0))))));
            if (sink.NeedsGrad(1))
            {
                var keepZero = LogicalAnd(Eq(a, 0.0), Ge(b, 0.0));
                sink.Add(1, Mul(g, Where(keepZero, 0.0, Mul(result, Log(a)))));
            }
        }
    }

    private sealed class PowScalarExponentNode(Tensor x, double exponent) : Node(x)
    {
        protected internal override void Backward(Tensor g, GradSink sink) =>
            sink.Add(0, exponent == 0 ? ZerosLike(g) : Mul(g, Mul(Pow(x, exponent - 1), exponent)));
    }

    private sealed class PowScalarBaseNode(Tensor x, double @base, Tensor result) : Node(x)
    {
        protected internal override void Backward(Tensor g, GradSink sink)
        {
            if (@base == 0)
                sink.Add(0, Mul(g, Where(Ge(x, 0.0), 0.0, Mul(result, Math.Log(@base)))));
            else
                sink.Add(0, Mul(g, Mul(result, Math.Log(@base))));
        }
    }
}

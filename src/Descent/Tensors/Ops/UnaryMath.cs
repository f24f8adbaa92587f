using Descent.Kernels;
using Descent.Tensors.Autograd;

namespace Descent.Tensors;

/// <summary>
/// Elementwise exp, log, log1p, expm1, sqrt, rsqrt, square, reciprocal, sin, cos with their derivatives
/// (PyTorch's formulas, e.g. sqrt'(0) = +∞, reciprocal' = −y²).
/// </summary>
public sealed partial class Tensor
{
    /// <summary>eˣ elementwise.</summary>
    public static Tensor Exp(Tensor x)
    {
        var o = UnaryForward<ExpKernel<float>, ExpKernel<double>>(x, "exp");
        if (NeedsGrad(x)) o.GradFn = new ExpNode(x, o.Detach());
        return o;
    }

    /// <summary>Natural logarithm elementwise (log 0 = −∞, negative → NaN).</summary>
    public static Tensor Log(Tensor x)
    {
        var o = UnaryForward<LogKernel<float>, LogKernel<double>>(x, "log");
        if (NeedsGrad(x)) o.GradFn = new LogNode(x);
        return o;
    }

    /// <summary>log(1 + x), accurate for small |x|.</summary>
    public static Tensor Log1p(Tensor x)
    {
        var o = UnaryForward<Log1pKernel<float>, Log1pKernel<double>>(x, "log1p");
        if (NeedsGrad(x)) o.GradFn = new Log1pNode(x);
        return o;
    }

    /// <summary>eˣ − 1, accurate for small |x|.</summary>
    public static Tensor Expm1(Tensor x)
    {
        var o = UnaryForward<Expm1Kernel<float>, Expm1Kernel<double>>(x, "expm1");
        if (NeedsGrad(x)) o.GradFn = new Expm1Node(x, o.Detach());
        return o;
    }

    /// <summary>√x elementwise (negative → NaN).</summary>
    public static Tensor Sqrt(Tensor x)
    {
        var o = UnaryForward<SqrtKernel<float>, SqrtKernel<double>>(x, "sqrt");
        if (NeedsGrad(x)) o.GradFn = new SqrtNode(x, o.Detach());
        return o;
    }

    /// <summary>1/√x elementwise.</summary>
    public static Tensor Rsqrt(Tensor x)
    {
        var o = UnaryForward<RsqrtKernel<float>, RsqrtKernel<double>>(x, "rsqrt");
        if (NeedsGrad(x)) o.GradFn = new RsqrtNode(x, o.Detach());
        return o;
    }

    /// <summary>x² elementwise.</summary>
    public static Tensor Square(Tensor x)
    {
        var o = UnaryForward<SquareKernel<float>, SquareKernel<double>>(x, "square");
        if (NeedsGrad(x)) o.GradFn = new SquareNode(x);
        return o;
    }

    /// <summary>1/x elementwise.</summary>
    public static Tensor Reciprocal(Tensor x)
    {
        var o = UnaryForward<ReciprocalKernel<float>, ReciprocalKernel<double>>(x, "reciprocal");
        if (NeedsGrad(x)) o.GradFn = new ReciprocalNode(x, o.Detach());
        return o;
    }

    /// <summary>sin x elementwise (radians).</summary>
    public static Tensor Sin(Tensor x)
    {
        var o = UnaryForward<SinKernel<float>, SinKernel<double>>(x, "sin");
        if (NeedsGrad(x)) o.GradFn = new SinNode(x);
        return o;
    }

    /// <summary>cos x elementwise (radians).</summary>
    public static Tensor Cos(Tensor x)
    {
        var o = UnaryForward<CosKernel<float>, CosKernel<double>>(x, "cos");
        if (NeedsGrad(x)) o.GradFn = new CosNode(x);
        return o;
    }

    /// <summary>eˣ elementwise.</summary>
    public Tensor Exp() => Exp(this);
    /// <summary>Natural logarithm elementwise.</summary>
    public Tensor Log() => Log(this);
    /// <summary>log(1 + x) elementwise.</summary>
    public Tensor Log1p() => Log1p(this);
    /// <summary>eˣ − 1 elementwise.</summary>
    public Tensor Expm1() => Expm1(this);
    /// <summary>√x elementwise.</summary>
    public Tensor Sqrt() => Sqrt(this);
    /// <summary>1/√x elementwise.</summary>
    public Tensor Rsqrt() => Rsqrt(this);
    /// <summary>x² elementwise.</summary>
    public Tensor Square() => Square(this);
    /// <summary>1/x elementwise.</summary>
    public Tensor Reciprocal() => Reciprocal(this);
    /// <summary>sin x elementwise.</summary>
    public Tensor Sin() => Sin(this);
    /// <summary>cos x elementwise.</summary>
    public Tensor Cos() => Cos(this);

    private sealed class ExpNode(Tensor x, Tensor y) : Node(x)
    {
        protected internal override void Backward(Tensor g, GradSink sink) => sink.Add(0, Mul(g, y));
    }

    private sealed class LogNode(Tensor x) : Node(x)
    {
        protected internal override void Backward(Tensor g, GradSink sink) => sink.Add(0, Div(g, x));
    }

    private sealed class Log1pNode(Tensor x) : Node(x)
    {
        protected internal override void Backward(Tensor g, GradSink sink) => sink.Add(0, Div(g, Add(x, 1.0)));
    }

    private sealed class Expm1Node(Tensor x, Tensor y) : Node(x)
    {
        protected internal override void Backward(Tensor g, GradSink sink) => sink.Add(0, Mul(g, Add(y, 1.0)));
    }

    private sealed class SqrtNode(Tensor x, Tensor y) : Node(x)
    {
        // PyTorch: grad / (2·result), so sqrt'(0) = +∞.
        protected internal override void Backward(Tensor g, GradSink sink) => sink.Add(0, Div(g, Mul(y, 2.0)));
    }

    private sealed class RsqrtNode(Tensor x, Tensor y) : Node(x)
    {
        // d(x^−½)/dx = −½·y³.
        protected internal override void Backward(Tensor g, GradSink sink) =>
            sink.Add(0, Mul(Mul(g, Mul(Square(y), y)), -0.5));
    }

    private sealed class SquareNode(Tensor x) : Node(x)
    {
        protected internal override void Backward(Tensor g, GradSink sink) => sink.Add(0, Mul(g, Mul(x, 2.0)));
    }

    private sealed class ReciprocalNode(Tensor x, Tensor y) : Node(x)
    {
        // PyTorch: −grad·y².
        protected internal override void Backward(Tensor g, GradSink sink) => sink.Add(0, Mul(Mul(g, Square(y)), -1.0));
    }

    private sealed class SinNode(Tensor x) : Node(x)
    {
        protected internal override void Backward(Tensor g, GradSink sink) => sink.Add(0, Mul(g, Cos(x)));
    }

    private sealed class CosNode(Tensor x) : Node(x)
    {
        protected internal override void Backward(Tensor g, GradSink sink) => sink.Add(0, Mul(Mul(g, Sin(x)), -1.0));
    }
}

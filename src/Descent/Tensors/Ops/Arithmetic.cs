using Descent.Kernels;
using Descent.Tensors.Autograd;

namespace Descent.Tensors;

/// <summary>add, sub, mul, div, neg with broadcasting, scalar overloads and C# operators.</summary>
public sealed partial class Tensor
{
    /// <summary>a + b (broadcasting).</summary>
    public static Tensor Add(Tensor a, Tensor b)
    {
        var o = BinaryForward<AddKernel<float>, AddKernel<double>>(a, b, "add");
        if (NeedsGrad(a, b)) o.GradFn = new AddNode(a, b);
        return o;
    }

    /// <summary>a − b (broadcasting).</summary>
    public static Tensor Sub(Tensor a, Tensor b)
    {
        var o = BinaryForward<SubtractKernel<float>, SubtractKernel<double>>(a, b, "sub");
        if (NeedsGrad(a, b)) o.GradFn = new SubNode(a, b);
        return o;
    }

    /// <summary>a · b elementwise (broadcasting).</summary>
    public static Tensor Mul(Tensor a, Tensor b)
    {
        var o = BinaryForward<MultiplyKernel<float>, MultiplyKernel<double>>(a, b, "mul");
        if (NeedsGrad(a, b)) o.GradFn = new MulNode(a, b);
        return o;
    }

    /// <summary>a / b elementwise (broadcasting).</summary>
    public static Tensor Div(Tensor a, Tensor b)
    {
        var o = BinaryForward<DivideKernel<float>, DivideKernel<double>>(a, b, "div");
        if (NeedsGrad(a, b)) o.GradFn = new DivNode(a, b);
        return o;
    }

    /// <summary>a + s.</summary>
    public static Tensor Add(Tensor a, double s)
    {
        var o = ScalarForward<AddKernel<float>, AddKernel<double>>(a, s, false, "add");
        if (NeedsGrad(a)) o.GradFn = new ScaleNode(a, 1);
        return o;
    }

    /// <summary>a · s.</summary>
    public static Tensor Mul(Tensor a, double s)
    {
        var o = ScalarForward<MultiplyKernel<float>, MultiplyKernel<double>>(a, s, false, "mul");
        if (NeedsGrad(a)) o.GradFn = new ScaleNode(a, s);
        return o;
    }

    /// <summary>s − a.</summary>
    public static Tensor Sub(double s, Tensor a)
    {
        var o = ScalarForward<SubtractKernel<float>, SubtractKernel<double>>(a, s, true, "sub");
        if (NeedsGrad(a)) o.GradFn = new ScaleNode(a, -1);
        return o;
    }

    /// <summary>s / a.</summary>
    public static Tensor Div(double s, Tensor a)
    {
        var o = ScalarForward<DivideKernel<float>, DivideKernel<double>>(a, s, true, "div");
        if (NeedsGrad(a)) o.GradFn = new ScalarDivNode(a, o);
        return o;
    }

    /// <summary>−a.</summary>
    public static Tensor Neg(Tensor a) => Mul(a, -1.0);

    /// <summary>this + other.</summary>
    public Tensor Add(Tensor other) => Add(this, other);
    /// <summary>this − other.</summary>
    public Tensor Sub(Tensor other) => Sub(this, other);
    /// <summary>this · other.</summary>
    public Tensor Mul(Tensor other) => Mul(this, other);
    /// <summary>this / other.</summary>
    public Tensor Div(Tensor other) => Div(this, other);
    /// <summary>−this.</summary>
    public Tensor Neg() => Neg(this);

    /// <summary>Elementwise sum.</summary>
    public static Tensor operator +(Tensor a, Tensor b) => Add(a, b);
    /// <summary>Elementwise difference.</summary>
    public static Tensor operator -(Tensor a, Tensor b) => Sub(a, b);
    /// <summary>Elementwise product.</summary>
    public static Tensor operator *(Tensor a, Tensor b) => Mul(a, b);
    /// <summary>Elementwise quotient.</summary>
    public static Tensor operator /(Tensor a, Tensor b) => Div(a, b);
    /// <summary>Negation.</summary>
    public static Tensor operator -(Tensor a) => Neg(a);
    /// <summary>Add a scalar.</summary>
    public static Tensor operator +(Tensor a, double s) => Add(a, s);
    /// <summary>Add to a scalar.</summary>
    public static Tensor operator +(double s, Tensor a) => Add(a, s);
    /// <summary>Subtract a scalar.</summary>
    public static Tensor operator -(Tensor a, double s) => Add(a, -s);
    /// <summary>Subtract from a scalar.</summary>
    public static Tensor operator -(double s, Tensor a) => Sub(s, a);
    /// <summary>Multiply by a scalar.</summary>
    public static Tensor operator *(Tensor a, double s) => Mul(a, s);
    /// <summary>Multiply a scalar.</summary>
    public static Tensor operator *(double s, Tensor a) => Mul(a, s);
    /// <summary>Divide by a scalar.</summary>
    public static Tensor operator /(Tensor a, double s) => Mul(a, 1.0 / s);
    /// <summary>Divide a scalar.</summary>
    public static Tensor operator /(double s, Tensor a) => Div(s, a);

    private sealed class AddNode(Tensor a, Tensor b) : Node(a, b)
    {
        protected internal override void Backward(Tensor g, GradSink sink)
        {
            sink.Add(0, g);
            sink.Add(1, g);
        }
    }

    private sealed class SubNode(Tensor a, Tensor b) : Node(a, b)
    {
        protected internal override void Backward(Tensor g, GradSink sink)
        {
            sink.Add(0, g);
            if (sink.NeedsGrad(1)) sink.Add(1, Neg(g));
        }
    }

    private sealed class MulNode(Tensor a, Tensor b) : Node(a, b)
    {
        protected internal override void Backward(Tensor g, GradSink sink)
        {
            if (sink.NeedsGrad(0)) sink.Add(0, Mul(g, b));
            if (sink.NeedsGrad(1)) sink.Add(1, Mul(g, a));
        }
    }

    private sealed class DivNode(Tensor a, Tensor b) : Node(a, b)
    {
        protected internal override void Backward(Tensor g, GradSink sink)
        {
            var gOverB = Div(g, b);
            if (sink.NeedsGrad(0)) sink.Add(0, gOverB);
            // d(a/b)/db = −a/b²  →  −(g/b)·(a/b)
            if (sink.NeedsGrad(1)) sink.Add(1, Neg(Mul(gOverB, Div(a, b))));
        }
    }

    private sealed class ScaleNode(Tensor a, double factor) : Node(a)
    {
        protected internal override void Backward(Tensor g, GradSink sink) =>
            sink.Add(0, factor == 1 ? g : Mul(g, factor));
    }

    private sealed class ScalarDivNode(Tensor a, Tensor output) : Node(a)
    {
        // d(s/a)/da = −s/a² = −out/a
        protected internal override void Backward(Tensor g, GradSink sink) =>
            sink.Add(0, Neg(Mul(g, Div(output, a))));
    }
}

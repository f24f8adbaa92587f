using Descent.Kernels;
using Descent.Tensors.Autograd;

namespace Descent.Tensors;

/// <summary>where(cond, a, b): elements of a where the bool mask is true, else of b, all three broadcasting.</summary>
public sealed partial class Tensor
{
    /// <summary>
    /// cond ? a : b elementwise; <paramref name="cond"/> must be bool; a and b are promoted to a common dtype.
    /// Differentiable in a and b (gradient flows to the chosen side only).
    /// </summary>
    public static Tensor Where(Tensor cond, Tensor a, Tensor b)
    {
        if (cond.DType != DType.Bool)
            throw new InvalidOperationException($"where: condition must be a bool tensor, got {cond.DType.TorchName()} {cond.Shape}.");
        var dtype = DTypeExtensions.Promote(a.DType, b.DType);
        Shape shape;
        try
        {
            shape = Broadcasting.Shapes(Broadcasting.Shapes(cond.Shape, a.Shape, "where"), b.Shape, "where");
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"where: condition {cond.Shape}, a {a.Shape} and b {b.Shape} cannot be broadcast together.", e);
        }
        var c = ExpandDetached(cond, shape);
        var x = ExpandDetached(a.DType == dtype ? a : a.Detach().To(dtype), shape);
        var y = ExpandDetached(b.DType == dtype ? b : b.Detach().To(dtype), shape);
        var o = Empty(shape, dtype);
        var mask = c.Span<bool>();
        switch (dtype)
        {
            case DType.Float32: ComparisonKernels.Select<float>(mask, x.Span<float>(), y.Span<float>(), o.Span<float>()); break;
            case DType.Float64: ComparisonKernels.Select<double>(mask, x.Span<double>(), y.Span<double>(), o.Span<double>()); break;
            case DType.Int64: ComparisonKernels.Select<long>(mask, x.Span<long>(), y.Span<long>(), o.Span<long>()); break;
            default: ComparisonKernels.Select<bool>(mask, x.Span<bool>(), y.Span<bool>(), o.Span<bool>()); break;
        }
        if (dtype.IsFloatingPoint() && NeedsGrad(a, b)) o.GradFn = new WhereNode(c, a, b);
        return o;
    }

    /// <summary>cond ? a : s elementwise (PyTorch's masked fill of the false positions).</summary>
    public static Tensor Where(Tensor cond, Tensor a, double s) => Where(cond, a, Scalar(s, a.DType));

    /// <summary>cond ? s : b elementwise.</summary>
    public static Tensor Where(Tensor cond, double s, Tensor b) => Where(cond, Scalar(s, b.DType), b);

    private sealed class WhereNode(Tensor cond, Tensor a, Tensor b) : Node(a, b)
    {
        protected internal override void Backward(Tensor g, GradSink sink)
        {
            var zero = Scalar(0, g.DType);
            if (sink.NeedsGrad(0)) sink.Add(0, Where(cond, g, zero));
            if (sink.NeedsGrad(1)) sink.Add(1, Where(cond, zero, g));
        }
    }
}

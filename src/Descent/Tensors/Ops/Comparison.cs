using Descent.Kernels;

namespace Descent.Tensors;

/// <summary>
/// eq, ne, lt, le, gt, ge (tensor–tensor with broadcasting, and tensor–scalar) returning bool masks, and the
/// logical and/or/xor/not of masks. Not differentiable, as in PyTorch.
/// </summary>
public sealed partial class Tensor
{
    /// <summary>a == b elementwise (broadcasting) as a bool mask.</summary>
    public static Tensor Eq(Tensor a, Tensor b) => CompareForward(a, b, Comparison.Eq, "eq");
    /// <summary>a != b elementwise (broadcasting); true where either is NaN.</summary>
    public static Tensor Ne(Tensor a, Tensor b) => CompareForward(a, b, Comparison.Ne, "ne");
    /// <summary>a &lt; b elementwise (broadcasting).</summary>
    public static Tensor Lt(Tensor a, Tensor b) => CompareForward(a, b, Comparison.Lt, "lt");
    /// <summary>a ≤ b elementwise (broadcasting).</summary>
    public static Tensor Le(Tensor a, Tensor b) => CompareForward(a, b, Comparison.Le, "le");
    /// <summary>a &gt; b elementwise (broadcasting).</summary>
    public static Tensor Gt(Tensor a, Tensor b) => CompareForward(a, b, Comparison.Gt, "gt");
    /// <summary>a ≥ b elementwise (broadcasting).</summary>
    public static Tensor Ge(Tensor a, Tensor b) => CompareForward(a, b, Comparison.Ge, "ge");

    /// <summary>a == s elementwise.</summary>
    public static Tensor Eq(Tensor a, double s) => CompareForward(a, s, Comparison.Eq, "eq");
    /// <summary>a != s elementwise.</summary>
    public static Tensor Ne(Tensor a, double s) => CompareForward(a, s, Comparison.Ne, "ne");
    /// <summary>a &lt; s elementwise.</summary>
    public static Tensor Lt(Tensor a, double s) => CompareForward(a, s, Comparison.Lt, "lt");
    /// <summary>a ≤ s elementwise.</summary>
    public static Tensor Le(Tensor a, double s) => CompareForward(a, s, Comparison.Le, "le");
    /// <summary>a &gt; s elementwise.</summary>
    public static Tensor Gt(Tensor a, double s) => CompareForward(a, s, Comparison.Gt, "gt");
    /// <summary>a ≥ s elementwise.</summary>
    public static Tensor Ge(Tensor a, double s) => CompareForward(a, s, Comparison.Ge, "ge");

    /// <summary>this == other.</summary>
    public Tensor Eq(Tensor other) => Eq(this, other);
    /// <summary>this != other.</summary>
    public Tensor Ne(Tensor other) => Ne(this, other);
    /// <summary>this &lt; other.</summary>
    public Tensor Lt(Tensor other) => Lt(this, other);
    /// <summary>this ≤ other.</summary>
    public Tensor Le(Tensor other) => Le(this, other);
    /// <summary>this &gt; other.</summary>
    public Tensor Gt(Tensor other) => Gt(this, other);
    /// <summary>this ≥ other.</summary>
    public Tensor Ge(Tensor other) => Ge(this, other);
    /// <summary>this == s.</summary>
    public Tensor Eq(double s) => Eq(this, s);
    /// <summary>this != s.</summary>
    public Tensor Ne(double s) => Ne(this, s);
    /// <summary>this &lt; s.</summary>
    public Tensor Lt(double s) => Lt(this, s);
    /// <summary>this ≤ s.</summary>
    public Tensor Le(double s) => Le(this, s);
    /// <summary>this &gt; s.</summary>
    public Tensor Gt(double s) => Gt(this, s);
    /// <summary>this ≥ s.</summary>
    public Tensor Ge(double s) => Ge(this, s);

    /// <summary>True where x is NaN.</summary>
    public Tensor IsNaN() => Ne(this, this);

    /// <summary>Elementwise AND of two bool masks (broadcasting).</summary>
    public static Tensor LogicalAnd(Tensor a, Tensor b) => LogicalForward(a, b, 0, "logical_and");
    /// <summary>Elementwise OR of two bool masks (broadcasting).</summary>
    public static Tensor LogicalOr(Tensor a, Tensor b) => LogicalForward(a, b, 1, "logical_or");
    /// <summary>Elementwise XOR of two bool masks (broadcasting).</summary>
    public static Tensor LogicalXor(Tensor a, Tensor b) => LogicalForward(a, b, 2, "logical_xor");

    /// <summary>Elementwise NOT of a bool mask.</summary>
    public static Tensor LogicalNot(Tensor a)
    {
        a.RequireBool("logical_not");
        var o = Empty(a.Shape, DType.Bool);
        var x = a.Span<bool>();
        var y = o.Span<bool>();
        for (int i = 0; i < y.Length; i++) y[i] = !x[i];
        return o;
    }

    private static Tensor CompareForward(Tensor a, Tensor b, Comparison rel, string op)
    {
        var dtype = ComparableDType(a, b, op);
        var shape = Broadcasting.Shapes(a.Shape, b.Shape, op);
        var o = Empty(shape, DType.Bool);
        a = ExpandDetached(a.DType == dtype ? a : a.Detach().To(dtype), shape);
        b = ExpandDetached(b.DType == dtype ? b : b.Detach().To(dtype), shape);
        var mask = o.Span<bool>();
        switch (dtype)
        {
            case DType.Float32: ComparisonKernels.Compare<float>(a.Span<float>(), b.Span<float>(), mask, rel); break;
            case DType.Float64: ComparisonKernels.Compare<double>(a.Span<double>(), b.Span<double>(), mask, rel); break;
            default: ComparisonKernels.Compare<long>(a.Span<long>(), b.Span<long>(), mask, rel); break;
        }
        return o;
    }

    private static Tensor CompareForward(Tensor a, double s, Comparison rel, string op)
    {
        ComparableDType(a, a, op);
        var o = Empty(a.Shape, DType.Bool);
        var mask = o.Span<bool>();
        switch (a.DType)
        {
            case DType.Float32: ComparisonKernels.Compare<float>(a.Span<float>(), (float)s, mask, rel); break;
            case DType.Float64: ComparisonKernels.Compare<double>(a.Span<double>(), s, mask, rel); break;
            // An int64 tensor against a fractional scalar compares in double, as PyTorch promotes to float.
            default:
                var wide = a.Detach().To(DType.Float64);
                ComparisonKernels.Compare<double>(wide.Span<double>(), s, mask, rel);
                break;
        }
        return o;
    }

    private static DType ComparableDType(Tensor a, Tensor b, string op)
    {
        if (a.DType == DType.Bool || b.DType == DType.Bool)
            throw new InvalidOperationException(
                $"{op}: expected float32, float64 or int64 operands, got {a.DType.TorchName()} {a.Shape} and {b.DType.TorchName()} {b.Shape}; compare masks with logical ops.");
        return DTypeExtensions.Promote(a.DType, b.DType);
    }

    private static Tensor LogicalForward(Tensor a, Tensor b, int kind, string op)
    {
        a.RequireBool(op);
        b.RequireBool(op);
        var shape = Broadcasting.Shapes(a.Shape, b.Shape, op);
        var o = Empty(shape, DType.Bool);
        var x = ExpandDetached(a, shape).Span<bool>();
        var y = ExpandDetached(b, shape).Span<bool>();
        var r = o.Span<bool>();
        for (int i = 0; i < r.Length; i++)
            r[i] = kind == 0 ? x[i] & y[i] : kind == 1 ? x[i] | y[i] : x[i] ^ y[i];
        return o;
    }

    /// <summary>This tensor materialized at <paramref name="shape"/> (itself when it already has it); no autograd.</summary>
    internal static Tensor ExpandDetached(Tensor t, Shape shape) => t.Shape == shape ? t : t.Detach().Expand(shape);

    private void RequireBool(string op)
    {
        if (DType != DType.Bool)
            throw new InvalidOperationException($"{op}: expected a bool tensor, got {DType.TorchName()} {Shape}.");
    }
}

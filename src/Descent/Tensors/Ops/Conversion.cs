using System.Numerics.Tensors;
using Descent.Tensors.Autograd;

namespace Descent.Tensors;

/// <summary>Copies, dtype conversion and the in-place updates used by the engine and optimizers.</summary>
public sealed partial class Tensor
{
    /// <summary>A copy with its own storage; differentiable (gradient passes through).</summary>
    public Tensor Clone()
    {
        var t = Empty(Shape, DType);
        CopyElements(this, t);
        if (NeedsGrad(this)) t.GradFn = new CloneNode(this);
        return t;
    }

    /// <summary>This tensor converted to <paramref name="dtype"/> (this one itself when it already has it).</summary>
    public Tensor To(DType dtype)
    {
        if (dtype == DType) return this;
        var t = Empty(Shape, dtype);
        var src = this;
        switch ((DType, dtype))
        {
            case (DType.Float32, DType.Float64): TensorPrimitives.ConvertChecked<float, double>(src.Span<float>(), t.Span<double>()); break;
            case (DType.Float64, DType.Float32): TensorPrimitives.ConvertTruncating<double, float>(src.Span<double>(), t.Span<float>()); break;
            default:
                for (int i = 0; i < Numel; i++) t.SetDouble(i, src.GetDouble(i));
                break;
        }
        if (NeedsGrad(this) && dtype.IsFloatingPoint()) t.GradFn = new ToNode(this);
        return t;
    }

    /// <summary>Copies <paramref name="source"/>'s elements (same numel, converted if needed) into this tensor, in place.</summary>
    public Tensor CopyFrom(Tensor source)
    {
        if (source.Numel != Numel)
            throw new ArgumentException($"CopyFrom: source {source.Shape} has {source.Numel} elements, destination {Shape} has {Numel}.");
        CopyElements(source.DType == DType ? source : source.To(DType), this);
        return this;
    }

    /// <summary>this += alpha·other, in place (other broadcasts to this shape). Not recorded by autograd.</summary>
    public Tensor AddInPlace(Tensor other, double alpha = 1)
    {
        if (other.DType != DType) other = other.To(DType);
        if (other.Shape != Shape && !Broadcasting.CanBroadcastTo(other.Shape, Shape))
            throw new ArgumentException($"AddInPlace: {other.Shape} cannot be broadcast to {Shape}.");
        if (other.Shape != Shape)
        {
            using var _ = GradMode.Disable();
            other = other.Expand(Shape);
        }
        switch (DType)
        {
            case DType.Float32:
                if (alpha == 1) TensorPrimitives.Add(Span<float>(), other.Span<float>(), Span<float>());
                else TensorPrimitives.MultiplyAdd(other.Span<float>(), (float)alpha, Span<float>(), Span<float>());
                break;
            case DType.Float64:
                if (alpha == 1) TensorPrimitives.Add(Span<double>(), other.Span<double>(), Span<double>());
                else TensorPrimitives.MultiplyAdd(other.Span<double>(), alpha, Span<double>(), Span<double>());
                break;
            default:
                throw new InvalidOperationException($"AddInPlace: unsupported dtype {DType.TorchName()}.");
        }
        return this;
    }

    /// <summary>this *= factor, in place. Not recorded by autograd.</summary>
    public Tensor MulInPlace(double factor)
    {
        switch (DType)
        {
            case DType.Float32: TensorPrimitives.Multiply(Span<float>(), (float)factor, Span<float>()); break;
            case DType.Float64: TensorPrimitives.Multiply(Span<double>(), factor, Span<double>()); break;
            default: throw new InvalidOperationException($"MulInPlace: unsupported dtype {DType.TorchName()}.");
        }
        return this;
    }

    private static void CopyElements(Tensor src, Tensor dst)
    {
        switch (src.DType.ElementSize())
        {
            case 8: src.Bits<long>().CopyTo(dst.Bits<long>()); break;
            case 4: src.Bits<int>().CopyTo(dst.Bits<int>()); break;
            default: src.Bits<byte>().CopyTo(dst.Bits<byte>()); break;
        }
    }

    private sealed class CloneNode(Tensor input) : Node(input)
    {
        protected internal override void Backward(Tensor gradOutput, GradSink sink) => sink.Add(0, gradOutput);
    }

    private sealed class ToNode(Tensor input) : Node(input)
    {
        protected internal override void Backward(Tensor gradOutput, GradSink sink) => sink.Add(0, gradOutput);
    }
}

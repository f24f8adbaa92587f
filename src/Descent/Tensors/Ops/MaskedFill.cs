using Descent.Kernels;
using Descent.Tensors.Autograd;

namespace Descent.Tensors;

/// <summary>masked_fill: elements where a bool mask is true are replaced by a value (mask and input broadcast).</summary>
public sealed partial class Tensor
{
    /// <summary>
    /// A copy with <paramref name="value"/> wherever <paramref name="mask"/> (bool, broadcast together with this
    /// tensor, as PyTorch's out-of-place masked_fill) is true. Any dtype; the value is converted to it.
    /// The gradient is zero at masked positions.
    /// </summary>
    public Tensor MaskedFill(Tensor mask, double value)
    {
        const string op = "masked_fill";
        if (mask.DType != DType.Bool)
            throw new ArgumentException($"{op}: mask must be a bool tensor, got {mask.DType.TorchName()} {mask.Shape}.");
        var shape = Broadcasting.Shapes(Shape, mask.Shape, op);
        var x = this;
        if (x.Shape != shape)
        {
            using var _ = GradMode.Disable();
            x = x.Expand(shape);
        }
        var m = mask;
        if (!TilesTrailingDims(mask.Shape, shape))
        {
            using var _ = GradMode.Disable();
            m = mask.Expand(shape);
        }
        var o = Empty(shape, DType);
        var ms = m.Span<bool>();
        switch (DType)
        {
            case DType.Float32: MaskedFillKernels.MaskedFill(x.Span<float>(), ms, (float)value, o.Span<float>()); break;
            case DType.Float64: MaskedFillKernels.MaskedFill(x.Span<double>(), ms, value, o.Span<double>()); break;
            case DType.Int64: MaskedFillKernels.MaskedFill(x.Span<long>(), ms, (long)value, o.Span<long>()); break;
            default: MaskedFillKernels.MaskedFill(x.Span<bool>(), ms, value != 0, o.Span<bool>()); break;
        }
        if (NeedsGrad(this)) o.GradFn = new MaskedFillNode(this, mask);
        return o;
    }

    /// <summary>input.masked_fill(mask, value).</summary>
    public static Tensor MaskedFill(Tensor input, Tensor mask, double value) => input.MaskedFill(mask, value);

    /// <summary>
    /// True when <paramref name="mask"/>, without its leading size-1 dims, equals the trailing dims of
    /// <paramref name="shape"/>: its elements then repeat unchanged over the leading dims (no expand needed).
    /// </summary>
    private static bool TilesTrailingDims(Shape mask, Shape shape)
    {
        int lead = 0;
        while (lead < mask.Rank && mask.Dims[lead] == 1) lead++;
        int rest = mask.Rank - lead;
        if (rest > shape.Rank) return false;
        for (int i = 0; i < rest; i++)
            if (mask.Dims[lead + i] != shape.Dims[shape.Rank - rest + i]) return false;
        return true;
    }

    private sealed class MaskedFillNode(Tensor input, Tensor mask) : Node(input)
    {
        // Filled positions no longer depend on the input; the engine sums a broadcast gradient back.
        protected internal override void Backward(Tensor g, GradSink sink) => sink.Add(0, g.MaskedFill(mask, 0));
    }
}

using Descent.Kernels.Activations;
using Descent.Tensors;
using Descent.Tensors.Autograd;

namespace Descent.NN;

/// <summary>Activations with learnable parameters: PReLU and Swish.</summary>
public static partial class Functional
{
    /// <summary>
    /// PReLU: x &gt; 0 ? x : a·x with <paramref name="weight"/> of one element (shared) or one per channel
    /// (dim 1 of <paramref name="x"/>).
    /// </summary>
    public static Tensor Prelu(Tensor x, Tensor weight)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(weight);
        x.RequireFloat("prelu");
        if (weight.DType != x.DType)
            throw new ArgumentException($"prelu: weight dtype {weight.DType.TorchName()} differs from input dtype {x.DType.TorchName()}.");
        var (outer, channels, inner) = PreluLayout(x, weight);
        var y = Tensor.Empty(x.Shape, x.DType);
        if (x.DType == DType.Float32)
            PreluKernels.Forward<float>(x.Span<float>(), weight.Span<float>(), y.Span<float>(), outer, channels, inner);
        else
            PreluKernels.Forward<double>(x.Span<double>(), weight.Span<double>(), y.Span<double>(), outer, channels, inner);
        if (Tensor.NeedsGrad(x, weight)) y.GradFn = new PreluNode(x, weight, outer, channels, inner);
        return y;
    }

    private static (int Outer, int Channels, int Inner) PreluLayout(Tensor x, Tensor weight)
    {
        if (weight.Numel == 1) return (1, 1, x.Numel);
        if (x.Rank < 2 || x.Shape[1] != weight.Numel)
            throw new ArgumentException(
                $"prelu: weight of {weight.Numel} elements needs an input with {weight.Numel} channels in dim 1, got {x.Shape}.");
        int inner = 1;
        for (int d = 2; d < x.Rank; d++) inner *= x.Shape[d];
        return (x.Shape[0], weight.Numel, inner);
    }

    private sealed class PreluNode(Tensor x, Tensor weight, int outer, int channels, int inner) : Node(x, weight)
    {
        protected internal override void Backward(Tensor g, GradSink sink)
        {
            var dx = sink.NeedsGrad(0) ? Tensor.Empty(x.Shape, x.DType) : null;
            var dw = sink.NeedsGrad(1) ? Tensor.Zeros(weight.Shape, weight.DType) : null;
            if (x.DType == DType.Float32)
                PreluKernels.Backward<float>(x.Span<float>(), weight.Span<float>(), g.Span<float>(),
                    dx is null ? default : dx.Span<float>(), dw is null ? default : dw.Span<float>(), outer, channels, inner);
            else
                PreluKernels.Backward<double>(x.Span<double>(), weight.Span<double>(), g.Span<double>(),
                    dx is null ? default : dx.Span<double>(), dw is null ? default : dw.Span<double>(), outer, channels, inner);
            if (dx is not null) sink.Add(0, dx);
            if (dw is not null) sink.Add(1, dw);
        }
    }

    /// <summary>Swish: x·σ(βx) with a learnable one-element <paramref name="beta"/>.</summary>
    public static Tensor Swish(Tensor x, Tensor beta)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(beta);
        x.RequireFloat("swish");
        if (beta.Numel != 1 || beta.DType != x.DType)
            throw new ArgumentException($"swish: beta must be one {x.DType.TorchName()} element, got {beta.DType.TorchName()} {beta.Shape}.");
        var y = Tensor.Empty(x.Shape, x.DType);
        if (x.DType == DType.Float32) SwishKernels.Forward<float>(x.Span<float>(), beta.Span<float>()[0], y.Span<float>());
        else SwishKernels.Forward<double>(x.Span<double>(), beta.Span<double>()[0], y.Span<double>());
        if (Tensor.NeedsGrad(x, beta)) y.GradFn = new SwishNode(x, beta);
        return y;
    }

    private sealed class SwishNode(Tensor x, Tensor beta) : Node(x, beta)
    {
        protected internal override void Backward(Tensor g, GradSink sink)
        {
            var dx = sink.NeedsGrad(0) ? Tensor.Empty(x.Shape, x.DType) : null;
            var scratch = Tensor.Empty(x.Shape, x.DType);
            double dBeta = x.DType == DType.Float32
                ? SwishKernels.Backward<float>(x.Span<float>(), beta.Span<float>()[0], g.Span<float>(), dx is null ? default : dx.Span<float>(), scratch.Span<float>())
                : SwishKernels.Backward<double>(x.Span<double>(), beta.Span<double>()[0], g.Span<double>(), dx is null ? default : dx.Span<double>(), scratch.Span<double>());
            if (dx is not null) sink.Add(0, dx);
            if (sink.NeedsGrad(1)) sink.Add(1, Tensor.Full(beta.Shape, dBeta, beta.DType));
        }
    }
}

using Descent.Kernels.Losses;
using Descent.Tensors;
using Descent.Tensors.Autograd;

namespace Descent.NN;

/// <summary>Class-index losses: negative log-likelihood (with the cross-entropy label-smoothing term), one fused node.</summary>
public static partial class Functional
{
    /// <summary>
    /// Negative log-likelihood of int64 class <paramref name="target"/>s under log-probabilities
    /// <paramref name="input"/> ([N, C], [N, C, d1, ...] or unbatched [C]); class dim 1. The mean divides by the
    /// summed <paramref name="weight"/>[target] of non-ignored targets.
    /// </summary>
    public static Tensor NllLoss(Tensor input, Tensor target, Tensor? weight = null, long ignoreIndex = -100,
        Reduction reduction = Reduction.Mean) =>
        ClassLoss(input, target, weight, ignoreIndex, reduction, 0, "nll_loss");

    /// <summary>NLL plus label smoothing ε on log-probabilities: (1 − ε)·NLL + (ε/C)·(−Σ_c w_c·logp_c), as in PyTorch's cross_entropy.</summary>
    internal static Tensor ClassLoss(Tensor input, Tensor target, Tensor? weight, long ignoreIndex, Reduction reduction,
        double smoothing, string op)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        input.RequireFloat(op);
        reduction.RequireNotBatchMean(op);
        if (target.DType != DType.Int64)
            throw new ArgumentException($"{op}: class-index targets must be int64, got {target.DType.TorchName()} {target.Shape}.");
        var (n, c, d) = ClassLayout(input, target, op);
        if (weight is not null && (weight.Rank != 1 || weight.Numel != c))
            throw new ArgumentException($"{op}: weight {weight.Shape} must have one entry per class ({c}).");
        var w = weight?.Detach().To(input.DType);
        var targets = target.Span<long>();
        for (int i = 0; i < targets.Length; i++)
        {
            long t = targets[i];
            if (t != ignoreIndex && (t < 0 || t >= c))
                throw new ArgumentOutOfRangeException(nameof(target),
                    $"{op}: target {t} at position {FormatIndex(target.Shape, i)} is out of bounds for {c} classes (valid: 0..{c - 1}, or the ignored index {ignoreIndex}).");
        }

        var losses = Tensor.Empty(new Shape(n * d), DType.Float64);
        double weightSum = input.DType == DType.Float32
            ? ClassLossKernels.Forward<float>(input.Span<float>(), targets, w is null ? default : w.Span<float>(), n, c, d, ignoreIndex, smoothing, losses.Span<double>())
            : ClassLossKernels.Forward<double>(input.Span<double>(), targets, w is null ? default : w.Span<double>(), n, c, d, ignoreIndex, smoothing, losses.Span<double>());
        Tensor o;
        double scale = 1;
        if (reduction == Reduction.None)
        {
            o = losses.Reshape(target.Shape.ToArray()).Detach().To(input.DType);
            if (o.DType == DType.Float64) o = o.Clone();
        }
        else
        {
            double sum = 0;
            foreach (double v in losses.Span<double>()) sum += v;
            if (reduction == Reduction.Mean) scale = 1.0 / weightSum;
            o = Tensor.Scalar(sum * scale, input.DType);
        }
        if (Tensor.NeedsGrad(input))
            o.GradFn = new ClassLossNode(input, target, w, n, c, d, ignoreIndex, smoothing, reduction == Reduction.None, scale, op);
        return o;
    }

    /// <summary>(N, C, D) of a class-dim-1 input and checks that the target has shape [N, d1, ...].</summary>
    private static (int N, int C, int D) ClassLayout(Tensor input, Tensor target, string op)
    {
        if (input.Rank == 1)
        {
            if (target.Rank != 0)
                throw new ArgumentException($"{op}: an unbatched input {input.Shape} needs a 0-d target, got {target.Shape}.");
            return (1, input.Shape[0], 1);
        }
        if (input.Rank < 1)
            throw new ArgumentException($"{op}: input must have a class dim, got {input.Shape}.");
        if (target.Rank != input.Rank - 1)
            throw new ArgumentException($"{op}: target {target.Shape} must have one dim less than input {input.Shape}.");
        if (target.Shape[0] != input.Shape[0])
            throw new ArgumentException($"{op}: input batch size {input.Shape[0]} does not match target batch size {target.Shape[0]} (input {input.Shape}, target {target.Shape}).");
        int d = 1;
        for (int k = 2; k < input.Rank; k++)
        {
            if (input.Shape[k] != target.Shape[k - 1])
                throw new ArgumentException($"{op}: target {target.Shape} does not match the extra dims of input {input.Shape}.");
            d *= input.Shape[k];
        }
        return (input.Shape[0], input.Shape[1], d);
    }

    private sealed class ClassLossNode(Tensor input, Tensor target, Tensor? weight, int n, int c, int d, long ignoreIndex,
        double smoothing, bool unreduced, double scale, string op) : Node(input)
    {
        public override string Name => op + "Backward";

        protected internal override void Backward(Tensor g, GradSink sink)
        {
            var dx = Tensor.Empty(input.Shape, input.DType);
            double s = unreduced ? 1 : g.Item() * scale;
            if (input.DType == DType.Float32)
                ClassLossKernels.Backward<float>(target.Span<long>(), weight is null ? default : weight.Span<float>(), n, c, d, ignoreIndex,
                    smoothing, unreduced ? g.Span<float>() : default, s, dx.Span<float>());
            else
                ClassLossKernels.Backward<double>(target.Span<long>(), weight is null ? default : weight.Span<double>(), n, c, d, ignoreIndex,
                    smoothing, unreduced ? g.Span<double>() : default, s, dx.Span<double>());
            sink.Add(0, dx);
        }
    }
}

using Descent.Kernels.Losses;
using Descent.Tensors;
using Descent.Tensors.Autograd;

namespace Descent.NN;

/// <summary>Regression and binary losses: each is one fused autograd node over <c>Kernels/Losses</c>.</summary>
public static partial class Functional
{
    /// <summary>Mean squared error (x − y)².</summary>
    public static Tensor MseLoss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean) =>
        Pointwise(input, target, null, null, reduction, new SquaredErrorKernel<float>(), new SquaredErrorKernel<double>(), "mse_loss");

    /// <summary>Mean absolute error |x − y|.</summary>
    public static Tensor L1Loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean) =>
        Pointwise(input, target, null, null, reduction, new AbsoluteErrorKernel<float>(), new AbsoluteErrorKernel<double>(), "l1_loss");

    /// <summary>Smooth L1: quadratic below <paramref name="beta"/>, linear above (β = 0 gives L1).</summary>
    public static Tensor SmoothL1Loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean, double beta = 1.0)
    {
        if (!(beta >= 0)) throw new ArgumentOutOfRangeException(nameof(beta), beta, "smooth_l1_loss: beta must be non-negative.");
        return Pointwise(input, target, null, null, reduction, new SmoothL1Kernel<float>((float)beta), new SmoothL1Kernel<double>(beta), "smooth_l1_loss");
    }

    /// <summary>Huber: quadratic up to <paramref name="delta"/>, then linear with slope δ.</summary>
    public static Tensor HuberLoss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean, double delta = 1.0)
    {
        if (!(delta > 0)) throw new ArgumentOutOfRangeException(nameof(delta), delta, "huber_loss: delta must be positive.");
        return Pointwise(input, target, null, null, reduction, new HuberKernel<float>((float)delta), new HuberKernel<double>(delta), "huber_loss");
    }

    /// <summary>
    /// Binary cross-entropy on probabilities in [0, 1] (logs clamped at −100), optionally weighted by
    /// <paramref name="weight"/> broadcast to the input. Throws naming the value and position of an input outside [0, 1].
    /// </summary>
    public static Tensor BinaryCrossEntropy(Tensor input, Tensor target, Tensor? weight = null, Reduction reduction = Reduction.Mean)
    {
        ArgumentNullException.ThrowIfNull(input);
        input.RequireFloat("binary_cross_entropy");
        for (int i = 0; i < input.Numel; i++)
        {
            double v = input.GetDouble(i);
            if (!(v >= 0 && v <= 1))
                throw new ArgumentOutOfRangeException(nameof(input),
                    $"binary_cross_entropy: input value {v:R} at position {FormatIndex(input.Shape, i)} is outside [0, 1] (pass probabilities, or use BCEWithLogitsLoss on logits).");
        }
        return Pointwise(input, target, weight, null, reduction, new BinaryCrossEntropyKernel<float>(), new BinaryCrossEntropyKernel<double>(), "binary_cross_entropy");
    }

    /// <summary>
    /// Binary cross-entropy on logits (numerically stable), with optional <paramref name="weight"/> and
    /// <paramref name="posWeight"/> (weight of positive examples, broadcast over the last dim as classes).
    /// </summary>
    public static Tensor BinaryCrossEntropyWithLogits(Tensor input, Tensor target, Tensor? weight = null, Tensor? posWeight = null,
        Reduction reduction = Reduction.Mean) =>
        Pointwise(input, target, weight, posWeight, reduction,
            new BinaryCrossEntropyWithLogitsKernel<float>(), new BinaryCrossEntropyWithLogitsKernel<double>(), "binary_cross_entropy_with_logits");

    /// <summary>
    /// KL divergence with <paramref name="input"/> = log q and <paramref name="target"/> = p (or log p when
    /// <paramref name="logTarget"/>): Σ p·(log p − log q). <see cref="Reduction.BatchMean"/> divides by the batch size.
    /// </summary>
    public static Tensor KLDiv(Tensor input, Tensor target, Reduction reduction = Reduction.Mean, bool logTarget = false) =>
        Pointwise(input, target, null, null, reduction, new KLDivergenceKernel<float>(logTarget), new KLDivergenceKernel<double>(logTarget), "kl_div");

    /// <summary>"[i, j, ...]" for flat position <paramref name="flat"/> in <paramref name="shape"/>.</summary>
    internal static string FormatIndex(Shape shape, int flat)
    {
        var idx = new int[shape.Rank];
        for (int d = shape.Rank - 1; d >= 0; d--)
        {
            int size = shape.Dims[d];
            idx[d] = size == 0 ? 0 : flat % size;
            flat = size == 0 ? 0 : flat / size;
        }
        return Shape.Format(idx);
    }

    private static Tensor Pointwise<L32, L64>(Tensor x, Tensor y, Tensor? weight, Tensor? posWeight, Reduction reduction,
        L32 l32, L64 l64, string op)
        where L32 : struct, IPointwiseLoss<float>
        where L64 : struct, IPointwiseLoss<double>
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        x.RequireFloat(op);
        y.RequireFloat(op);
        if (reduction == Reduction.BatchMean && op != "kl_div") reduction.RequireNotBatchMean(op);
        if (x.Shape != y.Shape)
            throw new ArgumentException($"{op}: input {x.Shape} and target {y.Shape} must have the same shape.");
        if (y.DType != x.DType) y = y.To(x.DType);
        Tensor? w = null, p = null;
        using (GradMode.Disable())
        {
            if (weight is not null) w = Broadcast(weight, x, op, "weight");
            if (posWeight is not null) p = Broadcast(posWeight, x, op, "pos_weight");
        }
        Tensor o;
        double scale = 1;
        if (reduction == Reduction.None)
        {
            o = Tensor.Empty(x.Shape, x.DType);
            if (x.DType == DType.Float32)
                PointwiseLoss.Values(l32, x.Span<float>(), y.Span<float>(), Span<float>(w), Span<float>(p), o.Span<float>());
            else
                PointwiseLoss.Values(l64, x.Span<double>(), y.Span<double>(), Span<double>(w), Span<double>(p), o.Span<double>());
        }
        else
        {
            double sum = x.DType == DType.Float32
                ? PointwiseLoss.Sum(l32, x.Span<float>(), y.Span<float>(), Span<float>(w), Span<float>(p))
                : PointwiseLoss.Sum(l64, x.Span<double>(), y.Span<double>(), Span<double>(w), Span<double>(p));
            if (reduction == Reduction.Mean) scale = 1.0 / x.Numel;
            else if (reduction == Reduction.BatchMean && x.Rank > 0) scale = 1.0 / x.Shape[0];
            o = Tensor.Scalar(sum * scale, x.DType);
        }
        if (Tensor.NeedsGrad(x, y))
            o.GradFn = new PointwiseLossNode<L32, L64>(x, y, w, p, reduction == Reduction.None, scale, l32, l64, op);
        return o;
    }

    private static Tensor Broadcast(Tensor t, Tensor like, string op, string name)
    {
        t.RequireFloat(op);
        if (!Broadcasting.CanBroadcastTo(t.Shape, like.Shape))
            throw new ArgumentException($"{op}: {name} {t.Shape} cannot be broadcast to input {like.Shape}.");
        return t.Detach().To(like.DType).Expand(like.Shape);
    }

    private static ReadOnlySpan<T> Span<T>(Tensor? t) where T : unmanaged => t is null ? default : t.Span<T>();

    private sealed class PointwiseLossNode<L32, L64>(Tensor x, Tensor y, Tensor? w, Tensor? p, bool unreduced, double scale,
        L32 l32, L64 l64, string op) : Node(x, y)
        where L32 : struct, IPointwiseLoss<float>
        where L64 : struct, IPointwiseLoss<double>
    {
        public override string Name => op + "Backward";

        protected internal override void Backward(Tensor g, GradSink sink)
        {
            var dx = sink.NeedsGrad(0) ? Tensor.Empty(x.Shape, x.DType) : null;
            var dy = sink.NeedsGrad(1) ? Tensor.Empty(y.Shape, x.DType) : null;
            double s = unreduced ? 1 : g.Item() * scale;
            if (x.DType == DType.Float32)
                PointwiseLoss.Gradients(l32, x.Span<float>(), y.Span<float>(), Span<float>(w), Span<float>(p),
                    unreduced ? g.Span<float>() : default, (float)s, Out<float>(dx), Out<float>(dy));
            else
                PointwiseLoss.Gradients(l64, x.Span<double>(), y.Span<double>(), Span<double>(w), Span<double>(p),
                    unreduced ? g.Span<double>() : default, s, Out<double>(dx), Out<double>(dy));
            if (dx is not null) sink.Add(0, dx);
            if (dy is not null) sink.Add(1, dy);
        }

        private static Span<T> Out<T>(Tensor? t) where T : unmanaged => t is null ? default : t.Span<T>();
    }
}

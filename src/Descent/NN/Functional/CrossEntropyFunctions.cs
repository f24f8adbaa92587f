using Descent.Tensors;

namespace Descent.NN;

/// <summary>Cross-entropy on logits.</summary>
public static partial class Functional
{
    /// <summary>
    /// Cross-entropy of logits <paramref name="input"/> ([N, C], [N, C, d1, ...] or unbatched [C]; class dim 1) against
    /// int64 class indices (log_softmax + NLL, with <paramref name="ignoreIndex"/>, class <paramref name="weight"/> and
    /// label smoothing ε: (1 − ε)·NLL + ε/C·(−Σ_c w_c·logp_c)) or against class probabilities of the input's shape
    /// (−Σ_c w_c·t_c·logp_c with t mixed with the uniform ε/C; the mean divides by the number of samples).
    /// </summary>
    public static Tensor CrossEntropy(Tensor input, Tensor target, Tensor? weight = null, long ignoreIndex = -100,
        Reduction reduction = Reduction.Mean, double labelSmoothing = 0)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        const string op = "cross_entropy";
        input.RequireFloat(op);
        reduction.RequireNotBatchMean(op);
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1))
            throw new ArgumentOutOfRangeException(nameof(labelSmoothing), labelSmoothing, $"{op}: label_smoothing must be in [0, 1].");
        if (input.Rank == 0)
            throw new ArgumentException($"{op}: input must have a class dim, got a 0-d tensor.");
        int classDim = input.Rank == 1 ? 0 : 1;
        var logp = Tensor.LogSoftmax(input, classDim);
        if (target.DType == DType.Int64)
            return ClassLoss(logp, target, weight, ignoreIndex, reduction, labelSmoothing, op);
        if (!target.DType.IsFloatingPoint())
            throw new ArgumentException($"{op}: targets must be int64 class indices or float probabilities, got {target.DType.TorchName()} {target.Shape}.");
        if (target.Shape != input.Shape)
            throw new ArgumentException($"{op}: probability targets {target.Shape} must have the input's shape {input.Shape}.");
        int classes = input.Shape[classDim];
        var t = target.DType == input.DType ? target : target.To(input.DType);
        if (labelSmoothing > 0) t = t * (1 - labelSmoothing) + labelSmoothing / classes;
        var term = logp * t;
        if (weight is not null)
        {
            if (weight.Rank != 1 || weight.Numel != classes)
                throw new ArgumentException($"{op}: weight {weight.Shape} must have one entry per class ({classes}).");
            var dims = Enumerable.Repeat(1, input.Rank).ToArray();
            dims[classDim] = classes;
            term = term * weight.Detach().To(input.DType).Reshape(dims);
        }
        var perSample = term.Sum(classDim).Neg();
        return reduction switch
        {
            Reduction.None => perSample,
            Reduction.Sum => perSample.Sum(),
            _ => perSample.Sum() / (input.Numel / (double)classes),
        };
    }
}

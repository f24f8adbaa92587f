using Descent.Kernels.Normalization;
using Descent.Tensors;
using Descent.Tensors.Autograd;

namespace Descent.NN;

/// <summary>Batch and layer normalization, each one fused autograd node.</summary>
public static partial class Functional
{
    /// <summary>
    /// Batch normalization over dim 1 of an [N, C, ...] input (PyTorch's <c>F.batch_norm</c>). In
    /// <paramref name="training"/> mode (or without running statistics) it normalizes with the batch mean and
    /// biased variance and, when running buffers are given, updates them in place:
    /// running = (1 − momentum)·running + momentum·batch, with the unbiased variance. Otherwise it uses the running statistics.
    /// </summary>
    public static Tensor BatchNorm(Tensor x, Tensor? runningMean, Tensor? runningVar, Tensor? weight, Tensor? bias,
        bool training, double momentum = 0.1, double eps = 1e-5)
    {
        ArgumentNullException.ThrowIfNull(x);
        x.RequireFloat("batch_norm");
        if (x.Rank < 2)
            throw new ArgumentException($"batch_norm: expected an input of at least 2 dims [N, C, ...], got {x.Shape}.");
        int n = x.Shape[0], c = x.Shape[1], s = x.Numel / Math.Max(1, n * c);
        if (n * c == 0) s = 0;
        CheckChannels(runningMean, "running_mean", c, x);
        CheckChannels(runningVar, "running_var", c, x);
        CheckChannels(weight, "weight", c, x);
        CheckChannels(bias, "bias", c, x);
        if ((runningMean is null) != (runningVar is null))
            throw new ArgumentException("batch_norm: running_mean and running_var must be given together.");
        bool batchStats = training || runningMean is null;
        long count = (long)n * s;
        if (batchStats && count <= 1)
            throw new ArgumentException($"batch_norm: expected more than 1 value per channel when training, got input of size {x.Shape}.");

        // Mean and 1/std in one buffer (mean first): one tensor fewer per layer and step (steady-state allocation).
        var stats = Tensor.Empty(Shape.Wrap([2 * c]), DType.Float64);
        var (ma, mo) = stats.Raw<double>();
        var (ia, io) = (ma, mo + c);
        if (batchStats)
        {
            if (x.DType == DType.Float32) { var (xa, xo) = x.Raw<float>(); BatchNormKernels.Statistics(xa, xo, n, c, s, ma, mo, ia, io); }
            else { var (xa, xo) = x.Raw<double>(); BatchNormKernels.Statistics(xa, xo, n, c, s, ma, mo, ia, io); }
            // ia holds the biased variance here.
            if (training && runningMean is not null)
            {
                double unbias = (double)count / (count - 1);
                for (int ch = 0; ch < c; ch++)
                {
                    runningMean.SetDouble(ch, (1 - momentum) * runningMean.GetDouble(ch) + momentum * ma[mo + ch]);
                    runningVar!.SetDouble(ch, (1 - momentum) * runningVar.GetDouble(ch) + momentum * ia[io + ch] * unbias);
                }
            }
            for (int ch = 0; ch < c; ch++) ia[io + ch] = 1.0 / Math.Sqrt(ia[io + ch] + eps);
        }
        else
        {
            for (int ch = 0; ch < c; ch++)
            {
                ma[mo + ch] = runningMean!.GetDouble(ch);
                ia[io + ch] = 1.0 / Math.Sqrt(runningVar!.GetDouble(ch) + eps);
            }
        }

        var y = Tensor.Empty(x.Shape, x.DType);
        if (x.DType == DType.Float32)
        {
            var (xa, xo) = x.Raw<float>();
            var (ya, yo) = y.Raw<float>();
            var (wa, wo) = RawOrEmpty<float>(weight);
            var (ba, bo) = RawOrEmpty<float>(bias);
            BatchNormKernels.Normalize(xa, xo, ya, yo, n, c, s, ma, mo, ia, io, wa, wo, ba, bo);
        }
        else
        {
            var (xa, xo) = x.Raw<double>();
            var (ya, yo) = y.Raw<double>();
            var (wa, wo) = RawOrEmpty<double>(weight);
            var (ba, bo) = RawOrEmpty<double>(bias);
            BatchNormKernels.Normalize(xa, xo, ya, yo, n, c, s, ma, mo, ia, io, wa, wo, ba, bo);
        }
        var inputs = NonNull(x, weight, bias);
        if (Tensor.NeedsGrad(inputs))
            y.GradFn = new BatchNormNode(inputs, x, weight, bias, stats, n, c, s, batchStats);
        return y;
    }

    /// <summary>
    /// Layer normalization over the trailing <paramref name="normalizedShape"/> dims (PyTorch's <c>F.layer_norm</c>):
    /// (x − mean)/√(var + eps)·weight + bias with the biased variance of each row.
    /// </summary>
    public static Tensor LayerNorm(Tensor x, int[] normalizedShape, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(normalizedShape);
        x.RequireFloat("layer_norm");
        int k = normalizedShape.Length;
        bool ok = k > 0 && x.Rank >= k;
        for (int i = 0; ok && i < k; i++) ok = x.Shape.Dims[x.Rank - k + i] == normalizedShape[i];
        if (!ok)
            throw new ArgumentException($"layer_norm: normalized_shape {Shape.Format(normalizedShape)} does not match the trailing dims of input {x.Shape}.");
        int width = 1;
        foreach (int d in normalizedShape) width *= d;
        int rows = width == 0 ? 0 : x.Numel / width;
        CheckAffine(weight, "weight", width, normalizedShape, x);
        CheckAffine(bias, "bias", width, normalizedShape, x);
        var mean = Tensor.Empty(new Shape(rows), DType.Float64);
        var invStd = Tensor.Empty(new Shape(rows), DType.Float64);
        var (ma, _) = mean.Raw<double>();
        var (ia, statsOff) = invStd.Raw<double>();
        var y = Tensor.Empty(x.Shape, x.DType);
        if (x.DType == DType.Float32)
        {
            var (xa, xo) = x.Raw<float>();
            var (ya, yo) = y.Raw<float>();
            var (wa, wo) = RawOrEmpty<float>(weight);
            var (ba, bo) = RawOrEmpty<float>(bias);
            LayerNormKernels.Forward(xa, xo, ya, yo, rows, width, eps, wa, wo, ba, bo, ma, ia, statsOff);
        }
        else
        {
            var (xa, xo) = x.Raw<double>();
            var (ya, yo) = y.Raw<double>();
            var (wa, wo) = RawOrEmpty<double>(weight);
            var (ba, bo) = RawOrEmpty<double>(bias);
            LayerNormKernels.Forward(xa, xo, ya, yo, rows, width, eps, wa, wo, ba, bo, ma, ia, statsOff);
        }
        var inputs = NonNull(x, weight, bias);
        if (Tensor.NeedsGrad(inputs))
            y.GradFn = new LayerNormNode(inputs, x, weight, bias, mean, invStd, rows, width);
        return y;
    }

    private static void CheckChannels(Tensor? t, string name, int channels, Tensor x)
    {
        if (t is not null && (t.Numel != channels || t.DType != x.DType))
            throw new ArgumentException($"batch_norm: {name} {t.DType.TorchName()} {t.Shape} does not match {channels} channels of {x.DType.TorchName()} input {x.Shape}.");
    }

    private static void CheckAffine(Tensor? t, string name, int width, int[] normalizedShape, Tensor x)
    {
        if (t is not null && (t.Numel != width || t.DType != x.DType))
            throw new ArgumentException($"layer_norm: {name} {t.DType.TorchName()} {t.Shape} does not match normalized_shape {Shape.Format(normalizedShape)} of {x.DType.TorchName()} input.");
    }

    private static (T[] Array, int Offset) RawOrEmpty<T>(Tensor? t) where T : unmanaged => t is null ? ([], 0) : t.Raw<T>();

    private static Tensor[] NonNull(Tensor x, Tensor? a, Tensor? b)
    {
        if (a is null && b is null) return [x];
        if (a is null) return [x, b!];
        if (b is null) return [x, a];
        return [x, a, b];
    }

    private sealed class BatchNormNode(Tensor[] inputs, Tensor x, Tensor? weight, Tensor? bias, Tensor stats,
        int n, int c, int s, bool batchStats) : Node(inputs)
    {
        protected internal override void Backward(Tensor g, GradSink sink)
        {
            int wi = weight is null ? -1 : 1, bi = bias is null ? -1 : weight is null ? 1 : 2;
            var dx = sink.NeedsGrad(0) ? Tensor.Empty(x.Shape, x.DType) : null;
            var dw = wi > 0 && sink.NeedsGrad(wi) ? Tensor.Empty(weight!.Shape, x.DType) : null;
            var db = bi > 0 && sink.NeedsGrad(bi) ? Tensor.Empty(bias!.Shape, x.DType) : null;
            var (ma, mo) = stats.Raw<double>();
            var (ia, io) = (ma, mo + c);
            if (x.DType == DType.Float32)
                BatchNormKernels.Backward(x.Raw<float>().Array, x.Offset, g.Raw<float>().Array, g.Offset,
                    RawOrEmpty<float>(dx).Array, dx?.Offset ?? 0, n, c, s, ma, mo, ia, io,
                    RawOrEmpty<float>(weight).Array, weight?.Offset ?? 0, RawOrEmpty<float>(dw).Array, dw?.Offset ?? 0,
                    RawOrEmpty<float>(db).Array, db?.Offset ?? 0, batchStats);
            else
                BatchNormKernels.Backward(x.Raw<double>().Array, x.Offset, g.Raw<double>().Array, g.Offset,
                    RawOrEmpty<double>(dx).Array, dx?.Offset ?? 0, n, c, s, ma, mo, ia, io,
                    RawOrEmpty<double>(weight).Array, weight?.Offset ?? 0, RawOrEmpty<double>(dw).Array, dw?.Offset ?? 0,
                    RawOrEmpty<double>(db).Array, db?.Offset ?? 0, batchStats);
            if (dx is not null) sink.Add(0, dx);
            if (dw is not null) sink.Add(wi, dw);
            if (db is not null) sink.Add(bi, db);
        }
    }

    private sealed class LayerNormNode(Tensor[] inputs, Tensor x, Tensor? weight, Tensor? bias, Tensor mean, Tensor invStd,
        int rows, int width) : Node(inputs)
    {
        protected internal override void Backward(Tensor g, GradSink sink)
        {
            int wi = weight is null ? -1 : 1, bi = bias is null ? -1 : weight is null ? 1 : 2;
            var dx = sink.NeedsGrad(0) ? Tensor.Empty(x.Shape, x.DType) : null;
            var dw = wi > 0 && sink.NeedsGrad(wi) ? Tensor.Empty(weight!.Shape, x.DType) : null;
            var db = bi > 0 && sink.NeedsGrad(bi) ? Tensor.Empty(bias!.Shape, x.DType) : null;
            var (ma, so) = mean.Raw<double>();
            var (ia, _) = invStd.Raw<double>();
            if (x.DType == DType.Float32)
                LayerNormKernels.Backward(x.Raw<float>().Array, x.Offset, g.Raw<float>().Array, g.Offset,
                    RawOrEmpty<float>(dx).Array, dx?.Offset ?? 0, rows, width, RawOrEmpty<float>(weight).Array, weight?.Offset ?? 0,
                    ma, ia, so, RawOrEmpty<float>(dw).Array, dw?.Offset ?? 0, RawOrEmpty<float>(db).Array, db?.Offset ?? 0);
            else
                LayerNormKernels.Backward(x.Raw<double>().Array, x.Offset, g.Raw<double>().Array, g.Offset,
                    RawOrEmpty<double>(dx).Array, dx?.Offset ?? 0, rows, width, RawOrEmpty<double>(weight).Array, weight?.Offset ?? 0,
                    ma, ia, so, RawOrEmpty<double>(dw).Array, dw?.Offset ?? 0, RawOrEmpty<double>(db).Array, db?.Offset ?? 0);
            if (dx is not null) sink.Add(0, dx);
            if (dw is not null) sink.Add(wi, dw);
            if (db is not null) sink.Add(bi, db);
        }
    }
}

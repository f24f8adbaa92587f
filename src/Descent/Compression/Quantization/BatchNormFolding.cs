using System.Globalization;
using Descent.NN;
using Descent.Tensors;

namespace Descent.Compression.Quantization;

/// <summary>
/// Folds a BatchNorm that directly follows a Conv2d (BatchNorm2d) or a Linear (BatchNorm1d) into the layer's weight
/// and bias, as PyTorch's <c>torch.nn.utils.fuse_conv_bn_eval</c> / <c>fuse_linear_bn_eval</c>: with
/// s = γ / √(running_var + ε), W' = W · s (per output channel) and b' = (b − running_mean) · s + β. The result equals
/// the pair in evaluation mode (running statistics), so quantization sees one layer and one weight range.
/// </summary>
public static class BatchNormFolding
{
    /// <summary>
    /// Folds every foldable pair of <paramref name="model"/> in place: adjacent entries of a <see cref="Sequential"/>
    /// and conv1/bn1, conv2/bn2 of a <see cref="ResidualBlock"/>. The layer's slot gets the folded layer (always with
    /// a bias), the BatchNorm's slot an <see cref="Identity"/>, so module paths and state-dict names of everything
    /// else stay. Returns the paths of the folded layers.
    /// </summary>
    public static IReadOnlyList<string> FoldInPlace(Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var folded = new List<string>();
        foreach (var (path, module) in model.NamedModules().ToList())
        {
            if (module is Sequential sequential)
            {
                for (int i = 0; i + 1 < sequential.Count; i++)
                    TryFold(model, Join(path, Index(i)), sequential[i], Join(path, Index(i + 1)), sequential[i + 1], folded);
            }
            else if (module is ResidualBlock block)
            {
                TryFold(model, Join(path, "conv1"), block.Conv1, Join(path, "bn1"), block.Bn1, folded);
                TryFold(model, Join(path, "conv2"), block.Conv2, Join(path, "bn2"), block.Bn2, folded);
            }
        }
        return folded;
    }

    /// <summary>
    /// The Conv2d or Linear equal to <paramref name="layer"/> followed by <paramref name="norm"/> in evaluation mode,
    /// or null when the pair cannot be folded (another layer type, a BatchNorm of the wrong kind or size, one
    /// without running statistics, or a layer with pruning masks).
    /// </summary>
    public static Module? Fold(Module layer, Module norm)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(norm);
        // A pruning mask would be lost in the folded layer; masked layers stay as they are.
        if (norm is not BatchNorm bn || bn.RunningMean is null || bn.RunningVar is null || layer.MaskedParameters.Any()) return null;
        switch (layer)
        {
            case Conv2d conv when norm is BatchNorm2d && conv.OutChannels == bn.NumFeatures:
                var c = conv.PaddingMode is null
                    ? new Conv2d(conv.InChannels, conv.OutChannels, conv.KernelSize, conv.Stride, conv.Padding, conv.Dilation, conv.Groups, true, conv.Weight.DType, new Generator(0))
                    : new Conv2d(conv.InChannels, conv.OutChannels, conv.KernelSize, conv.PaddingMode, conv.Stride, conv.Dilation, conv.Groups, true, conv.Weight.DType, new Generator(0));
                Load(c, conv.Weight, conv.Bias, bn);
                c.Train(conv.Training);
                return c;
            case Linear linear when norm is BatchNorm1d && linear.OutFeatures == bn.NumFeatures:
                // A throwaway generator: the initial values are overwritten, and Generator.Default must not advance.
                var l = new Linear(linear.InFeatures, linear.OutFeatures, true, linear.Weight.DType, new Generator(0));
                Load(l, linear.Weight, linear.Bias, bn);
                l.Train(linear.Training);
                return l;
            default:
                return null;
        }
    }

    private static void TryFold(Module model, string layerPath, Module layer, string normPath, Module norm, List<string> folded)
    {
        if (Fold(layer, norm) is not { } fused) return;
        model.ReplaceSubmodule(layerPath, fused);
        model.ReplaceSubmodule(normPath, new Identity());
        folded.Add(layerPath);
    }

    private static void Load(Module target, Tensor weight, Tensor? bias, BatchNorm bn)
    {
        int outputs = bn.NumFeatures;
        var w = weight.ToDoubleArray();
        var mean = bn.RunningMean!.ToDoubleArray();
        var variance = bn.RunningVar!.ToDoubleArray();
        var gamma = bn.Weight?.ToDoubleArray();
        var beta = bn.Bias?.ToDoubleArray();
        var b = bias?.ToDoubleArray();
        var newBias = new double[outputs];
        int per = w.Length / outputs;
        for (int o = 0; o < outputs; o++)
        {
            double s = (gamma?[o] ?? 1.0) / Math.Sqrt(variance[o] + bn.Eps);
            for (int j = 0; j < per; j++) w[o * per + j] *= s;
            newBias[o] = ((b?[o] ?? 0.0) - mean[o]) * s + (beta?[o] ?? 0.0);
        }
        using var persistent = StepScope.Suspend();
        target.LoadStateDict(new StateDict
        {
            { "weight", Tensor.FromArray(w, weight.Shape.ToArray()).To(weight.DType) },
            { "bias", Tensor.FromArray(newBias, outputs).To(weight.DType) },
        });
    }

    private static string Index(int i) => i.ToString(CultureInfo.InvariantCulture);

    private static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;
}

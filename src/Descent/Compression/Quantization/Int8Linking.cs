using Descent.NN;

namespace Descent.Compression.Quantization;

/// <summary>
/// Keeps activations in int8 between the int8 layers of a converted model (PyTorch's quantized models pass quint8
/// tensors from layer to layer): in every <see cref="Sequential"/>, an int8 layer (QuantizedConv2d, QuantizedLinear,
/// QuantizedResidual) followed — past Identity slots, MaxPool2d and, before a Linear, Flatten — by another one
/// requantizes its output in the GEMM epilogue to the next layer's calibrated input parameters and hands it over as
/// uint8 (NHWC for images); the MaxPool2d and Flatten in between become <see cref="QuantizedMaxPool2d"/> and
/// <see cref="QuantizedFlatten"/>. Residual blocks of int8 convolutions become <see cref="QuantizedResidual"/>. The
/// first int8 layer of a run still quantizes its float input and the last one still returns float32, so every other
/// layer keeps seeing float tensors.
/// </summary>
/// <remarks>
/// Linking changes no number where only max-pooling or flatten sits between two layers: the next layer would have
/// quantized the float output with the same parameters and rounding, and max-pooling commutes with the monotone
/// quantization map. (PyTorch rounds each layer's output to that layer's own observed scale first; Descent rounds once,
/// to the consumer's.) A pass-through that is not supported (ceil-mode pooling, average pooling, Dropout, any float
/// layer) ends the run: the layer before it keeps a float output.
/// </remarks>
public static class Int8Linking
{
    /// <summary>Links the int8 layers of <paramref name="model"/> in place (idempotent); returns the number of links made.</summary>
    public static int Link(Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        int links = 0;
        foreach (var (path, module) in model.NamedModules().ToList())
        {
            if (module is Residual residual && path.Length > 0 && QuantizedResidual.TryCreate(residual) is { } q)
            {
                model.ReplaceSubmodule(path, q);
                links++;
            }
        }
        foreach (var (_, module) in model.NamedModules().ToList())
            if (module is Sequential sequential) links += LinkSequential(sequential);
        return links;
    }

    /// <summary>
    /// Clears the links between the int8 layers of <paramref name="model"/> until the returned scope is disposed, so
    /// every int8 layer takes and returns float32 again (what <see cref="LayerQuantizationError"/> needs to run a layer's
    /// input through its float counterpart). The links inside a <see cref="QuantizedResidual"/> stay: the block is one
    /// layer from the outside.
    /// </summary>
    internal static IDisposable Suspend(Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var saved = new List<(Module Layer, IInt8Consumer? Consumer, bool TakesInt8)>();
        var residuals = new List<string>();
        foreach (var (path, module) in model.NamedModules())
        {
            if (residuals.Any(r => path.StartsWith(r + ".", StringComparison.Ordinal))) continue;
            switch (module)
            {
                case QuantizedResidual r:
                    residuals.Add(path);
                    saved.Add((r, r.OutputConsumer, r.TakesInt8Input));
                    r.OutputConsumer = null;
                    r.TakesInt8Input = false;
                    break;
                case StaticQuantizedModule q:
                    saved.Add((q, q.OutputConsumer, q.TakesInt8Input));
                    q.OutputConsumer = null;
                    q.TakesInt8Input = false;
                    break;
            }
        }
        return new Restore(saved);
    }

    private sealed class Restore(List<(Module Layer, IInt8Consumer? Consumer, bool TakesInt8)> saved) : IDisposable
    {
        public void Dispose()
        {
            foreach (var (layer, consumer, takesInt8) in saved)
            {
                if (layer is QuantizedResidual r) { r.OutputConsumer = consumer; r.TakesInt8Input = takesInt8; }
                else if (layer is StaticQuantizedModule q) { q.OutputConsumer = consumer; q.TakesInt8Input = takesInt8; }
            }
            saved.Clear();
        }
    }

    private static int LinkSequential(Sequential s)
    {
        int links = 0, producer = -1;
        var between = new List<int>();
        bool flattened = false;
        for (int i = 0; i < s.Count; i++)
        {
            var m = s[i];
            if (IsInt8(m))
            {
                if (producer >= 0 && Compatible(s[producer], m, flattened))
                {
                    foreach (int b in between)
                    {
                        if (s[b] is MaxPool2d pool) s[b] = new QuantizedMaxPool2d(pool);
                        else if (s[b] is Flatten flatten) s[b] = new QuantizedFlatten(flatten);
                    }
                    SetOutput(s[producer], (IInt8Consumer)m);
                    SetTakesInt8(m);
                    links++;
                }
                producer = i;
                between.Clear();
                flattened = false;
                continue;
            }
            bool image = producer >= 0 && s[producer] is QuantizedConv2d or QuantizedResidual;
            if (producer >= 0 && (m is Identity or QuantizedMaxPool2d or QuantizedFlatten
                || (image && !flattened && m is MaxPool2d { CeilMode: false })
                || (image && !flattened && m is Flatten)))
            {
                flattened |= m is Flatten or QuantizedFlatten;
                between.Add(i);
                continue;
            }
            producer = -1;
            between.Clear();
            flattened = false;
        }
        return links;
    }

    private static bool IsInt8(Module m) => m is QuantizedConv2d or QuantizedLinear or QuantizedResidual;

    // Images flow into convolutions and residual blocks unflattened; a Linear takes a Linear's rows or flattened images.
    private static bool Compatible(Module producer, Module consumer, bool flattened) => consumer switch
    {
        QuantizedLinear => producer is QuantizedLinear ? !flattened : flattened,
        _ => producer is not QuantizedLinear && !flattened,
    };

    private static void SetOutput(Module m, IInt8Consumer consumer)
    {
        if (m is StaticQuantizedModule q) q.OutputConsumer = consumer;
        else ((QuantizedResidual)m).OutputConsumer = consumer;
    }

    private static void SetTakesInt8(Module m)
    {
        if (m is StaticQuantizedModule q) q.TakesInt8Input = true;
        else ((QuantizedResidual)m).TakesInt8Input = true;
    }
}

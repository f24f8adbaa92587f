using Descent.NN;
using Descent.Tensors;
using Descent.Tensors.Autograd;
using static Descent.Interop.Onnx.OnnxGraphWriter;

namespace Descent.Interop.Onnx;

/// <summary>
/// Writes Descent layers as ONNX nodes the way <c>torch.onnx.export</c> writes their PyTorch counterparts (eval
/// mode): Linear → Gemm(transB=1) on 2-D inputs, else MatMul + Add; Conv1d/Conv2d → Conv; BatchNorm → BatchNormalization;
/// pooling; activations (GELU, SiLU and Hardswish before opset 14 decomposed as PyTorch does); LayerNorm →
/// LayerNormalization from opset 17, else decomposed; Embedding → Gather; Dropout and Identity vanish. Each call gets
/// the layer's sample input, so every decision sees the real shapes.
/// </summary>
internal static class OnnxLayerExport
{
    /// <summary>Writes <paramref name="m"/> applied to value <paramref name="x"/>; returns the output name and sample output.</summary>
    public static (string Name, Tensor Sample) Emit(OnnxGraphWriter w, Module m, string path, string x, Tensor sample)
    {
        switch (m)
        {
            case Sequential seq:
            {
                foreach (var (name, child) in seq.NamedChildren())
                    (x, sample) = Emit(w, child, Join(path, name), x, sample);
                return (x, sample);
            }
            case Residual r:
            {
                // y = activation(body(x) + shortcut(x)): the residual Add, as PyTorch exports a skip connection.
                var (body, bodySample) = Emit(w, r.Body, Join(path, "body"), x, sample);
                var (skip, skipSample) = r.Shortcut is null ? (x, sample) : Emit(w, r.Shortcut, Join(path, "shortcut"), x, sample);
                var sum = (w.Op("Add", path, [body, skip]), bodySample + skipSample);
                return r.Activation is null ? sum : Emit(w, r.Activation, Join(path, "activation"), sum.Item1, sum.Item2);
            }
            case ResidualBlock b:
            {
                // torchvision's BasicBlock: relu(bn2(conv2(relu(bn1(conv1(x))))) + downsample(x)).
                var main = Emit(w, b.Conv1, Join(path, "conv1"), x, sample);
                main = Emit(w, b.Bn1, Join(path, "bn1"), main.Name, main.Sample);
                main = Emit(w, new ReLU(), path, main.Name, main.Sample);
                main = Emit(w, b.Conv2, Join(path, "conv2"), main.Name, main.Sample);
                main = Emit(w, b.Bn2, Join(path, "bn2"), main.Name, main.Sample);
                var (skip, skipSample) = b.Downsample is null ? (x, sample) : Emit(w, b.Downsample, Join(path, "downsample"), x, sample);
                return Emit(w, new ReLU(), path, w.Op("Add", path, [main.Name, skip]), main.Sample + skipSample);
            }
            case OnnxGraphModule graph:
                return OnnxGraphExport.Emit(w, graph, path, x, sample);
            case MultiheadAttention mha:
                return (OnnxAttentionExport.Emit(w, mha, path, x, sample), mha.Call(sample));
            case LSTM lstm:
                return (OnnxRecurrentExport.Emit(w, lstm, path, x), lstm.Call(sample));
        }
        var y = m.Call(sample);
        return (Layer(w, m, path, x, sample, y), y);
    }

    private static string Layer(OnnxGraphWriter w, Module m, string path, string x, Tensor sample, Tensor y) => m switch
    {
        Linear l => Linear(w, l, path, x, sample.Rank),
        Conv2d c => Conv(w, path, x, Pruned(c, c.Weight), Pruned(c, c.Bias), [c.KernelSize.H, c.KernelSize.W], [c.Stride.H, c.Stride.W],
            ConvPads(c, sample, y), [c.Dilation.H, c.Dilation.W], c.Groups),
        Conv1d c => Conv(w, path, x, Pruned(c, c.Weight), Pruned(c, c.Bias), [c.KernelSize], [c.Stride], [c.Padding, c.Padding], [c.Dilation], c.Groups),
        BatchNorm bn => BatchNorm(w, bn, path, x),
        MaxPool2d p => w.Op("MaxPool", path, [x], Ints("kernel_shape", [p.KernelSize.H, p.KernelSize.W]), Ints("strides", [p.Stride.H, p.Stride.W]),
            Ints("pads", [p.Padding.H, p.Padding.W, p.Padding.H, p.Padding.W]), Ints("dilations", [p.Dilation.H, p.Dilation.W]), Int("ceil_mode", p.CeilMode ? 1 : 0)),
        MaxPool1d p => w.Op("MaxPool", path, [x], Ints("kernel_shape", [p.KernelSize]), Ints("strides", [p.Stride]),
            Ints("pads", [p.Padding, p.Padding]), Ints("dilations", [p.Dilation]), Int("ceil_mode", p.CeilMode ? 1 : 0)),
        AvgPool2d p when p.DivisorOverride is null => w.Op("AveragePool", path, [x], Ints("kernel_shape", [p.KernelSize.H, p.KernelSize.W]),
            Ints("strides", [p.Stride.H, p.Stride.W]), Ints("pads", [p.Padding.H, p.Padding.W, p.Padding.H, p.Padding.W]),
            Int("ceil_mode", p.CeilMode ? 1 : 0), Int("count_include_pad", p.CountIncludePad ? 1 : 0)),
        AvgPool1d p => w.Op("AveragePool", path, [x], Ints("kernel_shape", [p.KernelSize]), Ints("strides", [p.Stride]),
            Ints("pads", [p.Padding, p.Padding]), Int("ceil_mode", p.CeilMode ? 1 : 0), Int("count_include_pad", p.CountIncludePad ? 1 : 0)),
        AdaptiveAvgPool2d or AdaptiveAvgPool1d => AdaptivePool(w, m, path, x, sample, y),
        Flatten f => Flatten(w, f, path, x, sample),
        Identity or Dropout => x,
        ReLU => w.Op("Relu", path, [x]),
        LeakyReLU l => w.Op("LeakyRelu", path, [x], Float("alpha", l.NegativeSlope)),
        ELU e => w.Op("Elu", path, [x], Float("alpha", e.Alpha)),
        SELU => w.Op("Selu", path, [x]),
        Sigmoid => w.Op("Sigmoid", path, [x]),
        Tanh => w.Op("Tanh", path, [x]),
        Softplus s => Softplus(w, s, path, x, sample.DType),
        SiLU => w.Op("Mul", path, [x, w.Op("Sigmoid", path, [x])]),
        Hardswish => w.Opset >= 14 ? w.Op("HardSwish", path, [x])
            : w.Op("Mul", path, [x, w.Op("HardSigmoid", path, [x], Float("alpha", 1.0 / 6), Float("beta", 0.5))]),
        GELU g => Gelu(w, g, path, x, sample.DType),
        Swish s => w.Op("Mul", path, [x, w.Op("Sigmoid", path, [w.Op("Mul", path, [x, w.Initializer(s.Beta, Join(path, "beta"))])])]),
        PReLU p => w.Op("PRelu", path, [x, w.Initializer(p.Weight.Numel == 1 || sample.Rank < 2 ? p.Weight
            : p.Weight.Reshape([p.Weight.Numel, .. Enumerable.Repeat(1, sample.Rank - 2)]), Join(path, "weight"))]),
        Softmax s => w.Op("Softmax", path, [x], Int("axis", s.Dim)),
        LogSoftmax s => w.Op("LogSoftmax", path, [x], Int("axis", s.Dim)),
        LayerNorm ln => LayerNorm(w, ln, path, x, sample.DType),
        Embedding e => w.Op("Gather", path, [w.Initializer(e.Weight, Join(path, "weight")), x], Int("axis", 0)),
        _ => throw new OnnxExportException($"ONNX export: layer '{(path.Length == 0 ? "<model>" : path)}' ({m.TypeName}) has no ONNX form here. " +
            "Exportable: Sequential, Residual, ResidualBlock, Linear, Conv1d, Conv2d, BatchNorm1d/2d, MaxPool1d/2d, AvgPool1d/2d, AdaptiveAvgPool1d/2d, Flatten, Identity, " +
            "Dropout, the activations, Softmax, LogSoftmax, LayerNorm, Embedding, LSTM, MultiheadAttention (self-attention) and imported ONNX graphs."),
    };

    /// <summary>Linear: Gemm(transB=1) on a 2-D input as PyTorch exports it; MatMul with the transposed weight + Add otherwise.</summary>
    public static string Linear(OnnxGraphWriter w, Linear l, string path, string x, int inputRank)
    {
        var weight = Pruned(l, l.Weight);
        var bias = Pruned(l, l.Bias);
        if (inputRank == 2)
            return w.Op("Gemm", path, [x, w.Initializer(weight, Join(path, "weight")), bias is null ? null : w.Initializer(bias, Join(path, "bias"))],
                Float("alpha", 1), Float("beta", 1), Int("transB", 1));
        var y = w.Op("MatMul", path, [x, w.Initializer(weight.Transpose(0, 1), Join(path, "weight_t"))]);
        return bias is null ? y : w.Op("Add", path, [y, w.Initializer(bias, Join(path, "bias"))]);
    }

    /// <summary>
    /// The values a layer computes with: an unstructured-pruned parameter times its mask (the layer's forward applies the
    /// mask; the parameter itself keeps the pruned values, as PyTorch's weight_orig), so the exported graph computes what
    /// Descent computes. ONNX has no mask: the pruned entries are stored as zeros.
    /// </summary>
    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(parameter))]
    private static Tensor? Pruned(Module layer, Tensor? parameter)
    {
        using var noGrad = GradMode.Disable();
        return layer.Masked(parameter);
    }

    private static string Conv(OnnxGraphWriter w, string path, string x, Tensor weight, Tensor? bias, long[] kernel, long[] strides,
        long[] pads, long[] dilations, int groups) =>
        w.Op("Conv", path, [x, w.Initializer(weight, Join(path, "weight")), bias is null ? null : w.Initializer(bias, Join(path, "bias"))],
            Ints("kernel_shape", kernel), Ints("strides", strides), Ints("pads", pads), Ints("dilations", dilations), Int("group", groups));

    /// <summary>ONNX pads [top, left, bottom, right]; "same" padding puts its odd extra row/column at the bottom/right.</summary>
    private static long[] ConvPads(Conv2d c, Tensor x, Tensor y)
    {
        long Extra(int inSize, int outSize, int k, int s, int d, int p) => Math.Max(0, (outSize - 1L) * s + d * (k - 1L) + 1 - inSize - 2L * p);
        long eh = c.PaddingMode == "same" ? Extra(x.Shape[x.Rank - 2], y.Shape[y.Rank - 2], c.KernelSize.H, c.Stride.H, c.Dilation.H, c.Padding.H) : 0;
        long ew = c.PaddingMode == "same" ? Extra(x.Shape[x.Rank - 1], y.Shape[y.Rank - 1], c.KernelSize.W, c.Stride.W, c.Dilation.W, c.Padding.W) : 0;
        return [c.Padding.H, c.Padding.W, c.Padding.H + eh, c.Padding.W + ew];
    }

    private static string BatchNorm(OnnxGraphWriter w, BatchNorm bn, string path, string x)
    {
        if (bn.RunningMean is null || bn.RunningVar is null)
            throw new OnnxExportException($"ONNX export: {bn.TypeName} '{path}' keeps no running statistics (track_running_stats=False), so it has no inference form.");
        var dtype = bn.RunningMean.DType;
        var scale = bn.Weight ?? Tensor.Ones(new Shape(bn.NumFeatures), dtype);
        var shift = bn.Bias ?? Tensor.Zeros(new Shape(bn.NumFeatures), dtype);
        return w.Op("BatchNormalization", path,
            [x, w.Initializer(scale, Join(path, "weight")), w.Initializer(shift, Join(path, "bias")),
             w.Initializer(bn.RunningMean, Join(path, "running_mean")), w.Initializer(bn.RunningVar, Join(path, "running_var"))],
            Float("epsilon", bn.Eps), Float("momentum", 1 - (bn.Momentum ?? 0.1)));
    }

    private static string AdaptivePool(OnnxGraphWriter w, Module m, string path, string x, Tensor sample, Tensor y)
    {
        int spatial = sample.Rank - 2;
        var inSizes = sample.Shape.ToArray()[^spatial..];
        var outSizes = y.Shape.ToArray()[^spatial..];
        if (outSizes.All(s => s == 1)) return w.Op("GlobalAveragePool", path, [x]);
        if (inSizes.SequenceEqual(outSizes)) return x;
        if (inSizes.Zip(outSizes).All(p => p.First % p.Second == 0))
        {
            var k = inSizes.Zip(outSizes).Select(p => (long)(p.First / p.Second)).ToArray();
            return w.Op("AveragePool", path, [x], Ints("kernel_shape", k), Ints("strides", k));
        }
        throw new OnnxExportException($"ONNX export: {m.TypeName} '{path}' maps {string.Join("x", inSizes)} to {string.Join("x", outSizes)}, " +
            "which is no fixed pooling window (ONNX has no adaptive pooling).");
    }

    private static string Flatten(OnnxGraphWriter w, Flatten f, string path, string x, Tensor sample)
    {
        int rank = sample.Rank;
        int start = f.StartDim < 0 ? f.StartDim + rank : f.StartDim, end = f.EndDim < 0 ? f.EndDim + rank : f.EndDim;
        if (start == 1 && end == rank - 1) return w.Op("Flatten", path, [x], Int("axis", 1));
        if (start >= end) return x;
        // 0 copies a dimension (the dynamic batch among them); the flattened block is static.
        var dims = new List<long>();
        for (int i = 0; i < start; i++) dims.Add(0);
        dims.Add(start == 0 ? -1 : Enumerable.Range(start, end - start + 1).Aggregate(1L, (p, i) => p * sample.Shape[i]));
        for (int i = end + 1; i < rank; i++) dims.Add(sample.Shape[i]);
        return w.Op("Reshape", path, [x, w.Ints(Join(path, "shape"), [.. dims])]);
    }

    private static string Softplus(OnnxGraphWriter w, Softplus s, string path, string x, DType dtype)
    {
        if (s.Threshold < 20) throw new OnnxExportException($"ONNX export: Softplus '{path}' with threshold {s.Threshold} (ONNX Softplus has no threshold; 20 or more is exported).");
        if (s.Beta == 1) return w.Op("Softplus", path, [x]);
        var beta = w.Scalar(Join(path, "beta"), s.Beta, dtype);
        return w.Op("Div", path, [w.Op("Softplus", path, [w.Op("Mul", path, [x, beta])]), beta]);
    }

    private static string Gelu(OnnxGraphWriter w, GELU g, string path, string x, DType dtype)
    {
        if (g.Approximate == GeluApproximation.None)
        {
            // PyTorch's exact-GELU export, x·(erf(x/√2) + 1)·½, which the importer reads back as one GELU.
            var erf = w.Op("Erf", path, [w.Op("Div", path, [x, w.Scalar(Join(path, "sqrt2"), Math.Sqrt(2), dtype)])]);
            var inner = w.Op("Mul", path, [x, w.Op("Add", path, [erf, w.Scalar(Join(path, "one"), 1, dtype)])]);
            return w.Op("Mul", path, [inner, w.Scalar(Join(path, "half"), 0.5, dtype)]);
        }
        // tanh form: ½x(1 + tanh(√(2/π)(x + 0.044715x³))).
        var cube = w.Op("Mul", path, [w.Op("Pow", path, [x, w.Scalar(Join(path, "three"), 3, dtype)]), w.Scalar(Join(path, "c"), 0.044715, dtype)]);
        var t = w.Op("Tanh", path, [w.Op("Mul", path, [w.Op("Add", path, [x, cube]), w.Scalar(Join(path, "k"), Math.Sqrt(2 / Math.PI), dtype)])]);
        var half = w.Op("Mul", path, [x, w.Scalar(Join(path, "half"), 0.5, dtype)]);
        return w.Op("Mul", path, [half, w.Op("Add", path, [t, w.Scalar(Join(path, "one"), 1, dtype)])]);
    }

    private static string LayerNorm(OnnxGraphWriter w, LayerNorm ln, string path, string x, DType dtype)
    {
        int k = ln.NormalizedShape.Count;
        var axes = Enumerable.Range(-k, k).Select(a => (long)a).ToArray();
        if (w.Opset >= 17)
            return w.Op("LayerNormalization", path,
                [x, w.Initializer(ln.Weight ?? Tensor.Ones(new Shape([.. ln.NormalizedShape]), dtype), Join(path, "weight")),
                 ln.Bias is null ? null : w.Initializer(ln.Bias, Join(path, "bias"))],
                Int("axis", -k), Float("epsilon", ln.Eps));
        // Before opset 17: PyTorch's decomposition (ReduceMean, Sub, Pow 2, ReduceMean, Add eps, Sqrt, Div, Mul, Add).
        var mean = w.Op("ReduceMean", path, [x], Ints("axes", axes));
        var d = w.Op("Sub", path, [x, mean]);
        var variance = w.Op("ReduceMean", path, [w.Op("Pow", path, [d, w.Scalar(Join(path, "two"), 2, dtype)])], Ints("axes", axes));
        var y = w.Op("Div", path, [d, w.Op("Sqrt", path, [w.Op("Add", path, [variance, w.Scalar(Join(path, "eps"), ln.Eps, dtype)])])]);
        if (ln.Weight is not null) y = w.Op("Mul", path, [y, w.Initializer(ln.Weight, Join(path, "weight"))]);
        if (ln.Bias is not null) y = w.Op("Add", path, [y, w.Initializer(ln.Bias, Join(path, "bias"))]);
        return y;
    }

    /// <summary>A dotted module path (PyTorch's state-dict prefix).</summary>
    public static string Join(string path, string name) => path.Length == 0 ? name : path + "." + name;
}

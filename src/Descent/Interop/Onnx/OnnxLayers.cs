using Descent.NN;
using Descent.Tensors;
using Descent.Tensors.Autograd;

namespace Descent.Interop.Onnx;

/// <summary>
/// Turns single ONNX nodes into Descent layers with PyTorch semantics: Conv → Conv1d/Conv2d, BatchNormalization →
/// BatchNorm1d/2d, pooling, activations, Flatten, Softmax, Dropout, and LSTM (gate blocks reordered from ONNX's
/// i, o, f, c to PyTorch's i, f, g, o). Returns null for a node that is no layer.
/// </summary>
internal static class OnnxLayers
{
    /// <summary>Op types that become a layer here.</summary>
    public static IReadOnlyList<string> OpTypes { get; } =
    [
        "Conv", "BatchNormalization", "MaxPool", "AveragePool", "GlobalAveragePool", "Relu", "LeakyRelu", "Elu", "Selu",
        "Sigmoid", "Tanh", "Softplus", "HardSwish", "Gelu", "Flatten", "Softmax", "LogSoftmax", "Identity", "Dropout", "LSTM",
        "LayerNormalization",
    ];

    /// <summary>The layer for <paramref name="node"/>, given its constant inputs and the rank of its data input.</summary>
    public static Module? Create(OnnxNode node, Func<string?, Tensor?> constant, int? rank, long opset) => node.OpType switch
    {
        "Conv" => Conv(node, constant),
        "BatchNormalization" => BatchNorm(node, constant, rank),
        "MaxPool" or "AveragePool" => Pool(node),
        "GlobalAveragePool" => rank switch
        {
            3 => new AdaptiveAvgPool1d(1),
            4 => new AdaptiveAvgPool2d(new Size2(1, 1)),
            _ => throw node.Error($"needs a 3-D or 4-D input; the input rank is {(rank is { } r ? r : "unknown")}."),
        },
        "Relu" => new ReLU(),
        "LeakyRelu" => new LeakyReLU(node.Float("alpha", 0.01f)),
        "Elu" => new ELU(node.Float("alpha", 1f)),
        "Selu" => Selu(node),
        "Sigmoid" => new Sigmoid(),
        "Tanh" => new Tanh(),
        "Softplus" => new Softplus(),
        "HardSwish" => new Hardswish(),
        "Gelu" => new GELU(node.Text("approximate", "none") == "tanh" ? GeluApproximation.Tanh : GeluApproximation.None),
        "Flatten" => node.Int("axis", 1) == 1 ? new Flatten() : null,
        "Softmax" or "LogSoftmax" => SoftmaxLayer(node, rank, opset),
        "Identity" => new Identity(),
        "Dropout" => Dropout(node, constant),
        "LayerNormalization" => LayerNormalization(node, constant, rank),
        _ => null,
    };

    private static Module Conv(OnnxNode node, Func<string?, Tensor?> constant)
    {
        var weight = constant(node.Input(1)) ?? throw node.Error("the weight (input 1) must be an initializer.");
        var bias = node.Input(2) is { } b ? constant(b) ?? throw node.Error("the bias (input 2) must be an initializer.") : null;
        var autoPad = node.Text("auto_pad", "NOTSET");
        if (autoPad is not ("NOTSET" or "VALID")) throw node.Error($"auto_pad={autoPad} is not supported (NOTSET, VALID).");
        int spatial = weight.Rank - 2;
        var strides = node.Ints("strides") ?? Ones(spatial);
        var dilations = node.Ints("dilations") ?? Ones(spatial);
        var pads = autoPad == "VALID" ? new long[2 * spatial] : node.Ints("pads") ?? new long[2 * spatial];
        var symmetric = SymmetricPads(node, pads, spatial);
        int groups = (int)node.Int("group", 1);
        int outC = weight.Shape[0], inC = weight.Shape[1] * groups;
        Module layer;
        Tensor w;
        Tensor? bt;
        switch (spatial)
        {
            case 1:
            {
                var c = new Conv1d(inC, outC, weight.Shape[2], (int)strides[0], symmetric[0], (int)dilations[0], groups, bias is not null, weight.DType);
                (layer, w, bt) = (c, c.Weight, c.Bias);
                break;
            }
            case 2:
            {
                var c = new Conv2d(inC, outC, new Size2(weight.Shape[2], weight.Shape[3]), new Size2((int)strides[0], (int)strides[1]),
                    new Size2(symmetric[0], symmetric[1]), new Size2((int)dilations[0], (int)dilations[1]), groups, bias is not null, weight.DType);
                (layer, w, bt) = (c, c.Weight, c.Bias);
                break;
            }
            default: throw node.Error($"{spatial}-D convolution is not supported (1-D and 2-D).");
        }
        Copy(w, weight);
        if (bt is not null) Copy(bt, bias!);
        return layer;
    }

    private static Module BatchNorm(OnnxNode node, Func<string?, Tensor?> constant, int? rank)
    {
        if (node.Int("training_mode", 0) != 0) throw node.Error("training_mode=1 is not supported (export the model in eval mode).");
        if (node.Outputs.Skip(1).Any(o => o.Length > 0)) throw node.Error("the running-statistics outputs are not supported.");
        var parts = Enumerable.Range(1, 4).Select(i => constant(node.Input(i)) ?? throw node.Error($"input {i} (scale, B, mean, var) must be an initializer.")).ToArray();
        double eps = node.Float("epsilon", 1e-5f);
        // ONNX: running = running·momentum + batch·(1 − momentum); PyTorch's momentum is the weight of the batch.
        double momentum = 1 - node.Float("momentum", 0.9f);
        int c = parts[0].Numel;
        BatchNorm bn = rank switch
        {
            2 or 3 => new BatchNorm1d(c, eps, Math.Round(momentum, 6), dtype: parts[0].DType),
            4 => new BatchNorm2d(c, eps, Math.Round(momentum, 6), dtype: parts[0].DType),
            _ => throw node.Error($"needs a 2-D, 3-D or 4-D input; the input rank is {(rank is { } r ? r : "unknown")}."),
        };
        Copy(bn.Weight!, parts[0]);
        Copy(bn.Bias!, parts[1]);
        Copy(bn.RunningMean!, parts[2]);
        Copy(bn.RunningVar!, parts[3]);
        return bn;
    }

    private static Module Pool(OnnxNode node)
    {
        var kernel = node.Ints("kernel_shape") ?? throw node.Error("has no kernel_shape.");
        int spatial = kernel.Length;
        var autoPad = node.Text("auto_pad", "NOTSET");
        if (autoPad is not ("NOTSET" or "VALID")) throw node.Error($"auto_pad={autoPad} is not supported (NOTSET, VALID).");
        var strides = node.Ints("strides") ?? Ones(spatial);
        var dilations = node.Ints("dilations") ?? Ones(spatial);
        var pads = SymmetricPads(node, autoPad == "VALID" ? new long[2 * spatial] : node.Ints("pads") ?? new long[2 * spatial], spatial);
        bool ceil = node.Int("ceil_mode", 0) != 0;
        bool max = node.OpType == "MaxPool";
        if (max) node.RequireInt("storage_order", 0);
        if (node.Outputs.Skip(1).Any(o => o.Length > 0)) throw node.Error("the indices output is not supported.");
        // ONNX AveragePool excludes padding from the divisor by default (count_include_pad=0), PyTorch includes it.
        bool includePad = node.Int("count_include_pad", 0) != 0;
        if (!max && dilations.Any(d => d != 1)) throw node.Error("dilated average pooling is not supported.");
        return (spatial, max) switch
        {
            (1, true) => new MaxPool1d((int)kernel[0], (int)strides[0], pads[0], (int)dilations[0], ceil),
            (1, false) => new AvgPool1d((int)kernel[0], (int)strides[0], pads[0], ceil, includePad),
            (2, true) => new MaxPool2d(new Size2((int)kernel[0], (int)kernel[1]), new Size2((int)strides[0], (int)strides[1]),
                new Size2(pads[0], pads[1]), new Size2((int)dilations[0], (int)dilations[1]), ceil),
            (2, false) => new AvgPool2d(new Size2((int)kernel[0], (int)kernel[1]), new Size2((int)strides[0], (int)strides[1]),
                new Size2(pads[0], pads[1]), ceil, includePad),
            _ => throw node.Error($"{spatial}-D pooling is not supported (1-D and 2-D)."),
        };
    }

    private static Module Selu(OnnxNode node)
    {
        // ONNX's defaults are float32 roundings of the SELU constants (Klambauer et al. 2017), which nn.SELU uses.
        if (Math.Abs(node.Float("alpha", 1.67326319f) - 1.67326319f) > 1e-6 || Math.Abs(node.Float("gamma", 1.05070102f) - 1.05070102f) > 1e-6)
            throw node.Error("only the standard SELU constants are supported.");
        return new SELU();
    }

    private static Module? SoftmaxLayer(OnnxNode node, int? rank, long opset)
    {
        int axis = (int)node.Int("axis", opset >= 13 ? -1 : 1);
        // Before opset 13 Softmax flattens at the axis; that equals PyTorch's softmax(dim) only on the last axis.
        if (opset < 13 && !(rank is { } r && (axis == r - 1 || axis == -1))) return null;
        return node.OpType == "Softmax" ? new Softmax(axis) : new LogSoftmax(axis);
    }

    private static Module Dropout(OnnxNode node, Func<string?, Tensor?> constant)
    {
        double p = node.Input(1) is { } r ? constant(r)?.GetDouble(0) ?? throw node.Error("the ratio (input 1) must be an initializer.") : node.Float("ratio", 0.5f);
        return p == 0 ? new Identity() : new Dropout(p);
    }

    private static Module LayerNormalization(OnnxNode node, Func<string?, Tensor?> constant, int? rank)
    {
        var scale = constant(node.Input(1)) ?? throw node.Error("the scale (input 1) must be an initializer.");
        var bias = node.Input(2) is { } b ? constant(b) ?? throw node.Error("the bias (input 2) must be an initializer.") : null;
        if (node.Outputs.Skip(1).Any(o => o.Length > 0)) throw node.Error("the mean and inverse-deviation outputs are not supported.");
        long axis = node.Int("axis", -1);
        // PyTorch's LayerNorm normalizes the trailing dims that its weight covers: the axis must start them.
        if (!(axis == -scale.Rank || (rank is { } r && axis == r - scale.Rank)))
            throw node.Error($"axis {axis} does not normalize exactly the trailing {scale.Rank} dimension(s) its scale covers.");
        var ln = new LayerNorm([.. scale.Shape.ToArray()], node.Float("epsilon", 1e-5f), elementwiseAffine: true, scale.DType);
        Copy(ln.Weight!, scale);
        Copy(ln.Bias!, bias ?? Tensor.Zeros(scale.Shape, scale.DType));
        return ln;
    }

    /// <summary>A forward or bidirectional ONNX LSTM with PyTorch's activations as a Descent <see cref="LSTM"/>.</summary>
    public static LSTM Lstm(OnnxNode node, Func<string?, Tensor?> constant)
    {
        var w = constant(node.Input(1)) ?? throw node.Error("W (input 1) must be an initializer.");
        var r = constant(node.Input(2)) ?? throw node.Error("R (input 2) must be an initializer.");
        var b = node.Input(3) is { } bn ? constant(bn) ?? throw node.Error("B (input 3) must be an initializer.") : null;
        if (node.Input(4) is not null) throw node.Error("sequence_lens is not supported.");
        if (node.Input(7) is not null) throw node.Error("peephole weights P are not supported.");
        var direction = node.Text("direction", "forward");
        if (direction is not ("forward" or "bidirectional")) throw node.Error($"direction={direction} is not supported (forward, bidirectional).");
        if (node.Texts("activations") is { } acts && !acts.SequenceEqual(direction == "forward" ? ["Sigmoid", "Tanh", "Tanh"] : ["Sigmoid", "Tanh", "Tanh", "Sigmoid", "Tanh", "Tanh"]))
            throw node.Error($"activations [{string.Join(", ", acts)}] are not supported (Sigmoid, Tanh, Tanh).");
        if (node.Attributes.ContainsKey("clip")) throw node.Error("clip is not supported.");
        node.RequireInt("input_forget", 0);
        int dirs = direction == "bidirectional" ? 2 : 1;
        int hidden = (int)node.Int("hidden_size", w.Shape[1] / 4);
        bool batchFirst = node.Int("layout", 0) != 0;
        var lstm = new LSTM(w.Shape[2], hidden, 1, bias: true, batchFirst, bidirectional: dirs == 2, dtype: w.DType);
        var ps = lstm.Parameters().ToArray(); // per direction: weight_ih, weight_hh, bias_ih, bias_hh
        for (int d = 0; d < dirs; d++)
        {
            Copy(ps[4 * d], OnnxGates.ToTorch(w.Select(0, d), hidden));
            Copy(ps[4 * d + 1], OnnxGates.ToTorch(r.Select(0, d), hidden));
            var bias = b?.Select(0, d);
            Copy(ps[4 * d + 2], bias is null ? Tensor.Zeros(new Shape(4 * hidden), w.DType) : OnnxGates.ToTorch(bias.Narrow(0, 0, 4 * hidden), hidden));
            Copy(ps[4 * d + 3], bias is null ? Tensor.Zeros(new Shape(4 * hidden), w.DType) : OnnxGates.ToTorch(bias.Narrow(0, 4 * hidden, 4 * hidden), hidden));
        }
        return lstm;
    }

    /// <summary>Runs <paramref name="lstm"/> as the ONNX node: outputs Y [T, dirs, B, H] (layout 0), Y_h and Y_c [dirs, B, H].</summary>
    public static Tensor[] RunLstm(LSTM lstm, Tensor?[] inputs)
    {
        var x = inputs[0] ?? throw new InvalidOperationException("LSTM: input X has no value.");
        Tensor? h0 = inputs.Length > 5 ? inputs[5] : null, c0 = inputs.Length > 6 ? inputs[6] : null;
        int dirs = lstm.Bidirectional ? 2 : 1;
        if (lstm.BatchFirst)
        {
            // layout=1: initial and final states are [B, dirs, H]; Descent's are [dirs, B, H] as in PyTorch.
            h0 = h0?.Permute(1, 0, 2);
            c0 = c0?.Permute(1, 0, 2);
        }
        var (y, hn, cn) = lstm.Forward(x, h0, c0);
        int a = y.Shape[0], b = y.Shape[1];
        var y4 = y.Reshape(a, b, dirs, lstm.HiddenSize);
        return lstm.BatchFirst
            ? [y4, hn.Permute(1, 0, 2), cn.Permute(1, 0, 2)]
            : [y4.Permute(0, 2, 1, 3), hn, cn];
    }

    /// <summary>Copies <paramref name="source"/> into a parameter or buffer (shapes must match).</summary>
    public static void Copy(Tensor target, Tensor source)
    {
        if (target.Shape != source.Shape)
            throw new OnnxImportException($"initializer of shape {source.Shape} does not fit a {target.Shape} tensor.");
        using (GradMode.Disable()) target.CopyFrom(source.To(target.DType));
    }

    private static long[] Ones(int n) => [.. Enumerable.Repeat(1L, n)];

    private static int[] SymmetricPads(OnnxNode node, long[] pads, int spatial)
    {
        if (pads.Length != 2 * spatial) throw node.Error($"pads has {pads.Length} values; expected {2 * spatial}.");
        var result = new int[spatial];
        for (int i = 0; i < spatial; i++)
        {
            if (pads[i] != pads[i + spatial]) throw node.Error($"asymmetric pads [{string.Join(", ", pads)}] are not supported.");
            result[i] = (int)pads[i];
        }
        return result;
    }
}

namespace Descent.Interop.Onnx;

/// <summary>
/// Static rank inference for the values of an imported graph (ONNX shape inference reduced to ranks): enough to pick
/// BatchNorm1d or BatchNorm2d and the 1-D or 2-D global pooling. Null when a rank depends on runtime values.
/// </summary>
internal static class OnnxRanks
{
    /// <summary>The rank of <paramref name="step"/>'s first output, built from <paramref name="node"/>.</summary>
    public static int? Infer(OnnxStep step, OnnxNode node, OnnxGraphBuilder g)
    {
        int? In(int i) => g.Rank(step.Inputs.Length > i ? step.Inputs[i] : null);
        if (step.Layer is NN.Linear) return In(0);
        if (step.Layer is NN.Embedding) return In(0) + 1;
        switch (node.OpType)
        {
            case "Gemm" or "Flatten": return 2;
            case "Shape": return 1;
            case "LSTM": return 4;
            case "Add" or "Sub" or "Mul" or "Div" or "Pow":
                return In(0) is { } a && In(1) is { } b ? Math.Max(a, b) : null;
            case "MatMul":
                return In(0) is { } m && In(1) is { } k ? Math.Max(Math.Max(m, k), 2) : null;
            case "Gather":
                return In(0) is { } d && In(1) is { } q ? d + q - 1 : null;
            case "Unsqueeze":
            {
                var axes = g.Opset >= 13 ? g.Constant(node.Input(1)) is { } t ? t.Numel : (int?)null : node.Ints("axes")?.Length;
                return In(0) + axes;
            }
            case "Squeeze":
            {
                var axes = g.Opset >= 13 ? g.Constant(node.Input(1))?.Numel : node.Ints("axes")?.Length;
                return axes is > 0 ? In(0) - axes : null;
            }
            case "ReduceMean" or "ReduceSum":
            {
                if (node.Int("keepdims", 1) != 0) return In(0);
                var axes = node.Ints("axes")?.Length ?? g.Constant(node.Input(1))?.Numel;
                return axes is > 0 ? In(0) - axes : null;
            }
            case "Reshape":
                return g.Constant(node.Input(1))?.Numel;
            case "ConstantOfShape":
                return g.Constant(node.Input(0))?.Numel;
            default:
                return In(0); // element-wise, activations, pooling, normalization, Concat, Transpose, Slice, Cast
        }
    }
}

using Descent.Tensors;

namespace Descent.Interop.Onnx;

/// <summary>
/// The parameter-free ONNX operators an imported graph runs as functions of their inputs (arithmetic, shape
/// arithmetic, views, reductions), with ONNX's semantics (onnx/docs/Operators.md) on Descent tensors. Float ops are
/// differentiable through the ordinary tensor ops; int64 values (shapes, indices) are computed exactly.
/// </summary>
internal static class OnnxFunctions
{
    /// <summary>Runs <paramref name="node"/> on its inputs (null for omitted optional ones).</summary>
    public delegate Tensor[] Kernel(OnnxNode node, Tensor?[] inputs, long opset);

    public static IReadOnlyDictionary<string, Kernel> Kernels { get; } = new Dictionary<string, Kernel>(StringComparer.Ordinal)
    {
        ["Add"] = (n, x, _) => [Binary(n, x, Tensor.Add)],
        ["Sub"] = (n, x, _) => [Binary(n, x, Tensor.Sub)],
        ["Mul"] = (n, x, _) => [Binary(n, x, Tensor.Mul)],
        ["Div"] = (n, x, _) => [Binary(n, x, Tensor.Div, truncate: true)],
        ["Pow"] = (n, x, _) => [Pow(n, x)],
        ["Sqrt"] = (n, x, _) => [Tensor.Sqrt(In(n, x, 0))],
        ["Erf"] = (n, x, _) => [Tensor.Erf(In(n, x, 0))],
        ["Exp"] = (n, x, _) => [Tensor.Exp(In(n, x, 0))],
        ["Log"] = (n, x, _) => [Tensor.Log(In(n, x, 0))],
        ["Neg"] = (n, x, _) => [Tensor.Neg(In(n, x, 0))],
        ["Abs"] = (n, x, _) => [Tensor.Abs(In(n, x, 0))],
        ["Reciprocal"] = (n, x, _) => [Tensor.Reciprocal(In(n, x, 0))],
        ["HardSigmoid"] = (n, x, _) => [(In(n, x, 0) * n.Float("alpha", 0.2f) + n.Float("beta", 0.5f)).Clamp(0, 1)],
        ["MatMul"] = (n, x, _) => [Tensor.Matmul(In(n, x, 0), In(n, x, 1))],
        ["Gemm"] = (n, x, _) => [Gemm(n, x)],
        ["Concat"] = (n, x, _) => [Concat(n, x)],
        ["Reshape"] = (n, x, _) => [Reshape(n, x)],
        ["Flatten"] = (n, x, _) => [Flatten(n, x)],
        ["Transpose"] = (n, x, _) => [Transpose(n, x)],
        ["Shape"] = (n, x, _) => [ShapeOf(n, x)],
        ["Gather"] = (n, x, _) => [Gather(In(n, x, 0), In(n, x, 1), (int)n.Int("axis", 0), n)],
        ["Unsqueeze"] = (n, x, opset) => [Unsqueeze(n, x, opset)],
        ["Squeeze"] = (n, x, opset) => [Squeeze(n, x, opset)],
        ["Slice"] = (n, x, opset) => [Slice(n, x, opset)],
        ["Cast"] = (n, x, _) => [Cast(n, x)],
        ["ConstantOfShape"] = (n, x, _) => [ConstantOfShape(n, x)],
        ["ReduceMean"] = (n, x, opset) => [Reduce(n, x, opset >= 18, mean: true)],
        ["ReduceSum"] = (n, x, opset) => [Reduce(n, x, opset >= 13, mean: false)],
        ["Softmax"] = (n, x, opset) => [SoftmaxLike(n, x, opset, log: false)],
        ["LogSoftmax"] = (n, x, opset) => [SoftmaxLike(n, x, opset, log: true)],
        ["Identity"] = (n, x, _) => [In(n, x, 0)],
        ["Dropout"] = (n, x, _) => [In(n, x, 0)],
    };

    /// <summary>Input <paramref name="i"/>, which must be present.</summary>
    public static Tensor In(OnnxNode node, Tensor?[] inputs, int i) =>
        i < inputs.Length && inputs[i] is { } t ? t : throw node.Error($"input {i} is missing.");

    /// <summary>The values of an int64 (or integral) 1-D/scalar tensor.</summary>
    public static long[] Longs(Tensor t) => t.DType == DType.Int64 ? t.Contiguous().ToArray<long>() : [.. t.ToDoubleArray().Select(v => (long)v)];

    /// <summary>An int64 tensor of <paramref name="values"/> with <paramref name="shape"/> (1-D by default).</summary>
    public static Tensor LongTensor(long[] values, params int[] shape) => Tensor.FromArray(values, shape.Length == 0 ? [values.Length] : shape);

    private static Tensor Binary(OnnxNode n, Tensor?[] x, Func<Tensor, Tensor, Tensor> op, bool truncate = false)
    {
        var a = In(n, x, 0);
        var b = In(n, x, 1);
        if (a.DType == DType.Int64 || b.DType == DType.Int64)
        {
            // Shape arithmetic: exact in float64 for the sizes a graph computes; integer Div truncates as in C.
            var r = op(a.To(DType.Float64), b.To(DType.Float64));
            if (truncate) r = Tensor.FromArray(r.ToDoubleArray().Select(Math.Truncate).ToArray(), r.Shape.ToArray());
            return r.To(DType.Int64);
        }
        if (a.DType != b.DType) b = b.To(a.DType);
        return op(a, b);
    }

    private static Tensor Pow(OnnxNode n, Tensor?[] x)
    {
        var a = In(n, x, 0);
        var e = In(n, x, 1);
        // A scalar exponent (the decomposed LayerNorm's "Pow 2") uses the scalar op, whose gradient is n·x^(n−1).
        return e.Numel == 1 ? Tensor.Pow(a, e.GetDouble(0)) : Tensor.Pow(a, e.To(a.DType));
    }

    private static Tensor Gemm(OnnxNode n, Tensor?[] x)
    {
        var a = In(n, x, 0);
        var b = In(n, x, 1);
        if (n.Int("transA", 0) != 0) a = a.Transpose(0, 1);
        if (n.Int("transB", 0) != 0) b = b.Transpose(0, 1);
        var y = Tensor.Matmul(a, b);
        double alpha = n.Float("alpha", 1), beta = n.Float("beta", 1);
        if (alpha != 1) y = y * alpha;
        if (x.Length > 2 && x[2] is { } c) y = y + (beta == 1 ? c : c * beta);
        return y;
    }

    private static Tensor Concat(OnnxNode n, Tensor?[] x)
    {
        var parts = x.Select((t, i) => t ?? throw n.Error($"input {i} is missing.")).ToList();
        int rank = parts[0].Rank;
        int axis = (int)n.Int("axis", 0);
        if (axis < 0) axis += rank;
        if (parts.All(p => p.DType == DType.Int64) && rank == 1)
            return LongTensor([.. parts.SelectMany(Longs)]);
        return Tensor.Cat(parts, axis);
    }

    private static Tensor Reshape(OnnxNode n, Tensor?[] x)
    {
        var data = In(n, x, 0);
        var target = Longs(In(n, x, 1));
        bool allowZero = n.Int("allowzero", 0) != 0;
        var dims = new int[target.Length];
        for (int i = 0; i < dims.Length; i++)
            dims[i] = target[i] == 0 && !allowZero
                ? (i < data.Rank ? data.Shape[i] : throw n.Error($"shape value 0 at position {i} copies a dimension the {data.Rank}-D input does not have."))
                : checked((int)target[i]);
        return data.Reshape(dims);
    }

    private static Tensor Flatten(OnnxNode n, Tensor?[] x)
    {
        var data = In(n, x, 0);
        int axis = (int)n.Int("axis", 1);
        if (axis < 0) axis += data.Rank;
        int outer = 1;
        for (int i = 0; i < axis; i++) outer *= data.Shape[i];
        return data.Reshape(outer, data.Numel / Math.Max(outer, 1));
    }

    private static Tensor Transpose(OnnxNode n, Tensor?[] x)
    {
        var data = In(n, x, 0);
        var perm = n.Ints("perm")?.Select(p => (int)p).ToArray() ?? [.. Enumerable.Range(0, data.Rank).Reverse()];
        return data.Permute(perm);
    }

    private static Tensor ShapeOf(OnnxNode n, Tensor?[] x)
    {
        var dims = In(n, x, 0).Shape.ToArray().Select(d => (long)d).ToArray();
        int start = (int)n.Int("start", 0), end = (int)n.Int("end", dims.Length);
        start = Math.Clamp(start < 0 ? start + dims.Length : start, 0, dims.Length);
        end = Math.Clamp(end < 0 ? end + dims.Length : end, 0, dims.Length);
        return LongTensor(dims[start..Math.Max(start, end)]);
    }

    /// <summary>ONNX Gather: out shape = data.shape[:axis] + indices.shape + data.shape[axis+1:]; negative indices count from the end.</summary>
    public static Tensor Gather(Tensor data, Tensor indices, int axis, OnnxNode node)
    {
        if (axis < 0) axis += data.Rank;
        int size = data.Shape[axis];
        var idx = Longs(indices).Select(i => i < 0 ? i + size : i).ToArray();
        foreach (var i in idx)
            if (i < 0 || i >= size) throw node.Error($"index {i} is out of range for axis {axis} of size {size}.");
        var picked = data.IndexSelect(axis, LongTensor(idx));
        var dims = new List<int>(data.Shape.ToArray()[..axis]);
        dims.AddRange(indices.Shape.ToArray());
        dims.AddRange(data.Shape.ToArray()[(axis + 1)..]);
        return picked.Reshape([.. dims]);
    }

    private static long[] Axes(OnnxNode n, Tensor?[] x, bool fromInput, int inputIndex) =>
        fromInput ? (x.Length > inputIndex && x[inputIndex] is { } t ? Longs(t) : []) : n.Ints("axes") ?? [];

    private static Tensor Unsqueeze(OnnxNode n, Tensor?[] x, long opset)
    {
        var data = In(n, x, 0);
        var axes = Axes(n, x, opset >= 13, 1);
        int rank = data.Rank + axes.Length;
        foreach (var a in axes.Select(a => (int)(a < 0 ? a + rank : a)).Order()) data = data.Unsqueeze(a);
        return data;
    }

    private static Tensor Squeeze(OnnxNode n, Tensor?[] x, long opset)
    {
        var data = In(n, x, 0);
        var axes = Axes(n, x, opset >= 13, 1);
        if (axes.Length == 0) return data.Squeeze();
        foreach (var a in axes.Select(a => (int)(a < 0 ? a + data.Rank : a)).OrderDescending())
        {
            if (data.Shape[a] != 1) throw n.Error($"cannot squeeze axis {a} of size {data.Shape[a]}.");
            data = data.Squeeze(a);
        }
        return data;
    }

    private static Tensor Slice(OnnxNode n, Tensor?[] x, long opset)
    {
        var data = In(n, x, 0);
        long[] starts, ends, axes, steps;
        if (opset >= 10)
        {
            starts = Longs(In(n, x, 1));
            ends = Longs(In(n, x, 2));
            axes = x.Length > 3 && x[3] is { } ax ? Longs(ax) : [.. Enumerable.Range(0, starts.Length).Select(i => (long)i)];
            steps = x.Length > 4 && x[4] is { } st ? Longs(st) : [.. starts.Select(_ => 1L)];
        }
        else
        {
            starts = n.Ints("starts") ?? [];
            ends = n.Ints("ends") ?? [];
            axes = n.Ints("axes") ?? [.. Enumerable.Range(0, starts.Length).Select(i => (long)i)];
            steps = [.. starts.Select(_ => 1L)];
        }
        for (int i = 0; i < starts.Length; i++)
        {
            if (steps[i] != 1) throw n.Error($"step {steps[i]} is not supported (only 1).");
            int axis = (int)(axes[i] < 0 ? axes[i] + data.Rank : axes[i]);
            long dim = data.Shape[axis];
            long s = starts[i] < 0 ? starts[i] + dim : starts[i];
            long e = ends[i] < 0 ? ends[i] + dim : ends[i];
            s = Math.Clamp(s, 0, dim);
            e = Math.Clamp(e, 0, dim);
            data = data.Narrow(axis, (int)s, (int)Math.Max(0, e - s));
        }
        return data;
    }

    private static Tensor Cast(OnnxNode n, Tensor?[] x)
    {
        var to = OnnxTensorConverter.DTypeOf((int)n.Int("to", 1)) ?? throw n.Error($"cast to ONNX type {n.Int("to", 1)} is not supported.");
        return In(n, x, 0).To(to);
    }

    private static Tensor ConstantOfShape(OnnxNode n, Tensor?[] x)
    {
        var dims = Longs(In(n, x, 0)).Select(d => checked((int)d)).ToArray();
        var value = n.TensorAttribute("value");
        return Tensor.Full(new Shape(dims), value?.GetDouble(0) ?? 0, value?.DType ?? DType.Float32);
    }

    private static Tensor Reduce(OnnxNode n, Tensor?[] x, bool axesFromInput, bool mean)
    {
        var data = In(n, x, 0);
        var axes = Axes(n, x, axesFromInput, 1);
        bool keep = n.Int("keepdims", 1) != 0;
        if (axes.Length == 0)
        {
            if (n.Int("noop_with_empty_axes", 0) != 0) return data;
            axes = [.. Enumerable.Range(0, data.Rank).Select(i => (long)i)];
        }
        var dims = axes.Select(a => (int)(a < 0 ? a + data.Rank : a)).ToArray();
        return mean ? data.Mean(dims, keep) : data.Sum(dims, keep);
    }

    private static Tensor SoftmaxLike(OnnxNode n, Tensor?[] x, long opset, bool log)
    {
        var data = In(n, x, 0);
        int axis = (int)n.Int("axis", opset >= 13 ? -1 : 1);
        if (axis < 0) axis += data.Rank;
        if (opset >= 13 || axis == data.Rank - 1)
            return log ? data.LogSoftmax(axis) : data.Softmax(axis);
        // Before opset 13 the input is coerced to 2-D at the axis and normalized over the trailing block.
        int outer = 1;
        for (int i = 0; i < axis; i++) outer *= data.Shape[i];
        var flat = data.Reshape(outer, -1);
        return (log ? flat.LogSoftmax(1) : flat.Softmax(1)).Reshape(data.Shape.ToArray());
    }
}

using Descent.NN;
using Descent.Tensors;
using static Descent.Interop.Onnx.OnnxGraphWriter;

namespace Descent.Interop.Onnx;

/// <summary>
/// Writes a <see cref="MultiheadAttention"/> used as self-attention (its one-input <c>Forward</c>) as the nodes PyTorch
/// decomposes it into before fused attention ops existed: packed in-projection (MatMul + Add), q/k/v Slices,
/// head split (Reshape, Transpose), softmax(q·kᵀ/√d)·v, head merge and the output projection.
/// </summary>
internal static class OnnxAttentionExport
{
    public static string Emit(OnnxGraphWriter w, MultiheadAttention mha, string path, string x, Tensor sample)
    {
        var p = mha.NamedParameters().ToDictionary(t => t.Name, t => t.Parameter, StringComparer.Ordinal);
        if (!p.TryGetValue("in_proj_weight", out var inProj) || p.ContainsKey("bias_k") || mha.AddZeroAttn)
            throw new OnnxExportException($"ONNX export: MultiheadAttention '{path}' uses separate kdim/vdim, bias_kv or zero attention, which are not exported.");
        if (sample.Rank != 3) throw new OnnxExportException($"ONNX export: MultiheadAttention '{path}' needs batched 3-D input, got {sample.Shape}.");
        int e = mha.EmbedDim, heads = mha.NumHeads, d = e / heads;
        var dtype = inProj.DType;
        string J(string n) => OnnxLayerExport.Join(path, n);
        if (!mha.BatchFirst) x = w.Op("Transpose", path, [x], Ints("perm", [1, 0, 2]));
        var qkv = w.Op("MatMul", path, [x, w.Initializer(inProj.Transpose(0, 1), J("in_proj_weight_t"))]);
        if (p.TryGetValue("in_proj_bias", out var inBias)) qkv = w.Op("Add", path, [qkv, w.Initializer(inBias, J("in_proj_bias"))]);
        var axes = w.Ints(J("axes"), 2);
        string Part(int i) => w.Op("Slice", path, [qkv, w.Ints(J("start"), i * e), w.Ints(J("end"), (i + 1) * e), axes]);
        var headShape = w.Ints(J("head_shape"), 0, 0, heads, d);
        string Heads(string t, long[] perm) => w.Op("Transpose", path, [w.Op("Reshape", path, [t, headShape])], Ints("perm", perm));
        var q = Heads(Part(0), [0, 2, 1, 3]);
        var kT = Heads(Part(1), [0, 2, 3, 1]);
        var v = Heads(Part(2), [0, 2, 1, 3]);
        var scores = w.Op("MatMul", path, [w.Op("Mul", path, [q, w.Scalar(J("scale"), 1 / Math.Sqrt(d), dtype)]), kT]);
        var attn = w.Op("Softmax", path, [scores], Int("axis", -1));
        var merged = w.Op("Transpose", path, [w.Op("MatMul", path, [attn, v])], Ints("perm", [0, 2, 1, 3]));
        var y = w.Op("Reshape", path, [merged, w.Ints(J("merge_shape"), 0, 0, e)]);
        y = OnnxLayerExport.Linear(w, mha.OutProj, J("out_proj"), y, 3);
        if (!mha.BatchFirst) y = w.Op("Transpose", path, [y], Ints("perm", [1, 0, 2]));
        return y;
    }
}

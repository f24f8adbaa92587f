using Descent.NN;
using Descent.Tensors;

namespace Descent.Interop.Onnx;

/// <summary>
/// Node patterns that are one PyTorch layer: Gemm and MatMul(+Add) with constant weights (<see cref="Linear"/>), the
/// exporter's decompositions of GELU (x·(erf(x/√2) + 1)·½), SiLU (x·σ(x)) and Hardswish before opset 14
/// (x·HardSigmoid(x; ⅙, ½)) and LayerNorm before opset 17 (ReduceMean, Sub, Pow, ReduceMean, Add, Sqrt, Div, Mul, Add:
/// <see cref="LayerNorm"/>), and Gather on a constant table (<see cref="Embedding"/>).
/// </summary>
internal static class OnnxPatterns
{
    /// <summary>A step for the pattern starting at <paramref name="node"/>, or null when none matches.</summary>
    public static OnnxStep? TryFuse(OnnxGraphBuilder g, OnnxNode node) => node.OpType switch
    {
        "Gemm" => Gemm(g, node),
        "MatMul" => MatMul(g, node),
        "Div" => Gelu(g, node),
        "Sigmoid" => GatedBy(g, node, new SiLU()),
        "HardSigmoid" when Near(node.Float("alpha", 0.2f), 1.0 / 6) && Near(node.Float("beta", 0.5f), 0.5) => GatedBy(g, node, new Hardswish()),
        "Gather" => Embedding(g, node),
        "ReduceMean" => LayerNormalization(g, node),
        _ => null,
    };

    private static OnnxStep? Gemm(OnnxGraphBuilder g, OnnxNode node)
    {
        var b = g.Constant(node.Input(1));
        var c = node.Input(2) is { } cn ? g.Constant(cn) : null;
        if (b is null || b.Rank != 2 || g.Constant(node.Input(0)) is not null || node.Int("transA", 0) != 0 || node.Float("alpha", 1) != 1) return null;
        if (node.Input(2) is not null && (c is null || node.Float("beta", 1) != 1)) return null;
        var weight = node.Int("transB", 0) != 0 ? b : b.Transpose(0, 1);
        if (c is not null && c.Numel != weight.Shape[0]) return null; // a broadcast [M, N] bias is no Linear bias
        g.Absorb(node.Input(1));
        g.Absorb(node.Input(2));
        return LinearStep(g, node, node.Input(1), weight, c, node.Outputs[0]);
    }

    private static OnnxStep? MatMul(OnnxGraphBuilder g, OnnxNode node)
    {
        var b = g.Constant(node.Input(1));
        if (b is null || b.Rank != 2 || g.Constant(node.Input(0)) is not null || !b.DType.IsFloatingPoint()) return null;
        int outFeatures = b.Shape[1];
        Tensor? bias = null;
        string output = node.Outputs[0];
        if (g.SoleConsumer(output) is { OpType: "Add" } add)
        {
            var other = add.Inputs[0] == output ? add.Input(1) : add.Input(0);
            if (g.Constant(other) is { } c && c.Rank <= 1 && c.Numel == outFeatures && c.DType.IsFloatingPoint())
            {
                bias = c;
                g.Absorb(other);
                g.Fuse(add);
                output = add.Outputs[0];
            }
        }
        g.Absorb(node.Input(1));
        return LinearStep(g, node, node.Input(1), b.Transpose(0, 1), bias, output);
    }

    private static OnnxStep LinearStep(OnnxGraphBuilder g, OnnxNode node, string? weightName, Tensor weight, Tensor? bias, string output)
    {
        var linear = new Linear(weight.Shape[1], weight.Shape[0], bias is not null, weight.DType);
        OnnxLayers.Copy(linear.Weight, weight.Contiguous());
        if (bias is not null) OnnxLayers.Copy(linear.Bias!, bias.Reshape(weight.Shape[0]));
        return new OnnxStep { Inputs = [node.Inputs[0]], Outputs = [output], Name = g.StepName(node, weightName), Layer = linear };
    }

    private static OnnxStep? Gelu(OnnxGraphBuilder g, OnnxNode div)
    {
        var x = div.Input(0);
        if (x is null || g.Constant(div.Input(1)) is not { Numel: 1 } root2 || !Near(root2.GetDouble(0), Math.Sqrt(2))) return null;
        if (g.SoleConsumer(div.Outputs[0]) is not { OpType: "Erf" } erf) return null;
        if (g.SoleConsumer(erf.Outputs[0]) is not { OpType: "Add" } add || !HasConstant(g, add, erf.Outputs[0], 1)) return null;
        if (g.SoleConsumer(add.Outputs[0]) is not { OpType: "Mul" } mul || !mul.Inputs.Contains(x)) return null;
        if (g.SoleConsumer(mul.Outputs[0]) is not { OpType: "Mul" } half || !HasConstant(g, half, mul.Outputs[0], 0.5)) return null;
        foreach (var n in new[] { erf, add, mul, half }) g.Fuse(n);
        return new OnnxStep { Inputs = [x], Outputs = [half.Outputs[0]], Name = g.StepName(div), Layer = new GELU() };
    }

    /// <summary>x·f(x) where <paramref name="gate"/> computes f(x) and its sole reader multiplies it by x.</summary>
    private static OnnxStep? GatedBy(OnnxGraphBuilder g, OnnxNode gate, Module layer)
    {
        var x = gate.Input(0);
        if (x is null || g.SoleConsumer(gate.Outputs[0]) is not { OpType: "Mul" } mul) return null;
        var other = mul.Inputs[0] == gate.Outputs[0] ? mul.Input(1) : mul.Input(0);
        if (other != x) return null;
        g.Fuse(mul);
        return new OnnxStep { Inputs = [x], Outputs = [mul.Outputs[0]], Name = g.StepName(gate), Layer = layer };
    }

    private static OnnxStep? Embedding(OnnxGraphBuilder g, OnnxNode node)
    {
        var table = g.Constant(node.Input(0));
        if (table is null || table.Rank != 2 || !table.DType.IsFloatingPoint() || node.Int("axis", 0) != 0 || g.Constant(node.Input(1)) is not null) return null;
        var embedding = new Embedding(table.Shape[0], table.Shape[1], dtype: table.DType);
        OnnxLayers.Copy(embedding.Weight, table);
        g.Absorb(node.Input(0));
        return new OnnxStep { Inputs = [node.Inputs[1]], Outputs = [node.Outputs[0]], Name = g.StepName(node, node.Input(0)), Layer = embedding };
    }

    /// <summary>
    /// (x − mean)/√(var + eps)·γ + β with mean and var over the trailing dims γ covers: PyTorch's export of
    /// <c>nn.LayerNorm</c> before opset 17 (and <see cref="OnnxExporter"/>'s).
    /// </summary>
    private static OnnxStep? LayerNormalization(OnnxGraphBuilder g, OnnxNode mean)
    {
        var x = mean.Input(0);
        var axes = TrailingAxes(g, mean);
        if (x is null || axes is null) return null;
        if (g.SoleConsumer(mean.Outputs[0]) is not { OpType: "Sub" } sub || sub.Input(0) != x || sub.Input(1) != mean.Outputs[0]) return null;
        var d = sub.Outputs[0];
        if (g.GraphOutputs.Contains(d) || !g.Consumers.TryGetValue(d, out var readers) || readers.Count != 2) return null;
        var pow = readers.FirstOrDefault(r => r.OpType == "Pow" && r.Input(0) == d && g.Constant(r.Input(1)) is { Numel: 1 } e && e.GetDouble(0) == 2);
        if (pow is null || g.SoleConsumer(pow.Outputs[0]) is not { OpType: "ReduceMean" } variance || TrailingAxes(g, variance) is not { } vAxes || !vAxes.SequenceEqual(axes)) return null;
        if (g.SoleConsumer(variance.Outputs[0]) is not { OpType: "Add" } addEps) return null;
        var epsName = addEps.Input(0) == variance.Outputs[0] ? addEps.Input(1) : addEps.Input(0);
        if (g.Constant(epsName) is not { Numel: 1 } eps) return null;
        if (g.SoleConsumer(addEps.Outputs[0]) is not { OpType: "Sqrt" } sqrt) return null;
        if (g.SoleConsumer(sqrt.Outputs[0]) is not { OpType: "Div" } div || div.Input(0) != d || div.Input(1) != sqrt.Outputs[0] || !readers.Contains(div)) return null;
        // Affine part: γ covers the normalized dims (its shape is the normalized shape); β is optional.
        if (g.SoleConsumer(div.Outputs[0]) is not { OpType: "Mul" } mul) return null;
        var gammaName = mul.Input(0) == div.Outputs[0] ? mul.Input(1) : mul.Input(0);
        if (g.Constant(gammaName) is not { } gamma || gamma.Rank != axes.Length || !gamma.DType.IsFloatingPoint()) return null;
        OnnxNode last = mul;
        Tensor? beta = null;
        string? betaName = null;
        if (g.SoleConsumer(mul.Outputs[0]) is { OpType: "Add" } addBeta)
        {
            betaName = addBeta.Input(0) == mul.Outputs[0] ? addBeta.Input(1) : addBeta.Input(0);
            beta = g.Constant(betaName);
            if (beta is not null && beta.Shape == gamma.Shape) last = addBeta;
            else (beta, betaName) = (null, null);
        }
        double epsilon = eps.DType == DType.Float32 ? OnnxNode.Widen((float)eps.GetDouble(0)) : eps.GetDouble(0);
        var ln = new LayerNorm([.. gamma.Shape.ToArray()], epsilon, elementwiseAffine: true, gamma.DType);
        OnnxLayers.Copy(ln.Weight!, gamma);
        OnnxLayers.Copy(ln.Bias!, beta ?? Tensor.Zeros(gamma.Shape, gamma.DType));
        foreach (var n in new[] { sub, pow, variance, addEps, sqrt, div, mul }) g.Fuse(n);
        if (last != mul) g.Fuse(last);
        g.Absorb(gammaName);
        g.Absorb(betaName);
        return new OnnxStep { Inputs = [x], Outputs = [last.Outputs[0]], Name = g.StepName(mul, gammaName), Layer = ln };
    }

    /// <summary>The axes of a keepdims ReduceMean when they are the trailing ones (as negative axes −k..−1), else null.</summary>
    private static long[]? TrailingAxes(OnnxGraphBuilder g, OnnxNode reduce)
    {
        if (reduce.Int("keepdims", 1) == 0) return null;
        var axes = g.Opset >= 18 ? g.Constant(reduce.Input(1)) is { } t ? OnnxFunctions.Longs(t) : null : reduce.Ints("axes");
        if (axes is null || axes.Length == 0) return null;
        int? rank = g.Rank(reduce.Input(0));
        var negative = axes.Select(a => a >= 0 && rank is { } r ? a - r : a).Order().ToArray();
        return negative.SequenceEqual(Enumerable.Range(-axes.Length, axes.Length).Select(a => (long)a)) ? negative : null;
    }

    private static bool HasConstant(OnnxGraphBuilder g, OnnxNode node, string other, double value)
    {
        var name = node.Inputs[0] == other ? node.Input(1) : node.Input(0);
        return g.Constant(name) is { Numel: 1 } c && Near(c.GetDouble(0), value);
    }

    private static bool Near(double a, double b) => Math.Abs(a - b) <= 1e-6 * Math.Max(1, Math.Abs(b));
}

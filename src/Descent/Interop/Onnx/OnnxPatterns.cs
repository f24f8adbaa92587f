using Descent.NN;
using Descent.Tensors;

namespace Descent.Interop.Onnx;

/// <summary>
/// Node patterns that are one PyTorch layer: Gemm and MatMul(+Add) with constant weights (<see cref="Linear"/>), the
/// exporter's decompositions of GELU (x·(erf(x/√2) + 1)·½), SiLU (x·σ(x)) and Hardswish before opset 14
/// (x·HardSigmoid(x; ⅙, ½)), and Gather on a constant table (<see cref="Embedding"/>).
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

    private static bool HasConstant(OnnxGraphBuilder g, OnnxNode node, string other, double value)
    {
        var name = node.Inputs[0] == other ? node.Input(1) : node.Input(0);
        return g.Constant(name) is { Numel: 1 } c && Near(c.GetDouble(0), value);
    }

    private static bool Near(double a, double b) => Math.Abs(a - b) <= 1e-6 * Math.Max(1, Math.Abs(b));
}

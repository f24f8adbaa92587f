using Descent.NN;
using Descent.Tensors;
using static Descent.Interop.Onnx.OnnxGraphWriter;

namespace Descent.Interop.Onnx;

/// <summary>
/// Writes a Descent <see cref="LSTM"/> as ONNX LSTM nodes, one per layer, as <c>torch.onnx.export</c> does: gate blocks
/// reordered from PyTorch's i, f, g, o to ONNX's i, o, f, c, the two biases concatenated into B, zero initial states
/// (omitted), and Y [T, dirs, B, H] reshaped to PyTorch's [T, B, dirs·H].
/// </summary>
internal static class OnnxRecurrentExport
{
    public static string Emit(OnnxGraphWriter w, LSTM lstm, string path, string x)
    {
        int h = lstm.HiddenSize, dirs = lstm.Bidirectional ? 2 : 1;
        if (lstm.BatchFirst) x = w.Op("Transpose", path, [x], Ints("perm", [1, 0, 2]));
        for (int l = 0; l < lstm.NumLayers; l++)
        {
            var (wih, whh, b) = Weights(lstm, l);
            var inputs = new List<string?>
            {
                x, w.Initializer(wih, OnnxLayerExport.Join(path, $"W_l{l}")), w.Initializer(whh, OnnxLayerExport.Join(path, $"R_l{l}")),
            };
            if (b is not null) inputs.Add(w.Initializer(b, OnnxLayerExport.Join(path, $"B_l{l}")));
            var y = w.Node("LSTM", path, [.. inputs], 1, Int("hidden_size", h), Text("direction", dirs == 2 ? "bidirectional" : "forward"))[0];
            var tbdh = w.Op("Transpose", path, [y], Ints("perm", [0, 2, 1, 3]));
            x = w.Op("Reshape", path, [tbdh, w.Ints(OnnxLayerExport.Join(path, "shape"), 0, 0, -1)]);
        }
        if (lstm.BatchFirst) x = w.Op("Transpose", path, [x], Ints("perm", [1, 0, 2]));
        return x;
    }

    /// <summary>ONNX's W [dirs, 4H, in], R [dirs, 4H, H] and B [dirs, 8H] (null without biases) of layer <paramref name="layer"/>.</summary>
    public static (Tensor W, Tensor R, Tensor? B) Weights(LSTM lstm, int layer)
    {
        var p = lstm.NamedParameters().ToDictionary(t => t.Name, t => t.Parameter, StringComparer.Ordinal);
        int h = lstm.HiddenSize, dirs = lstm.Bidirectional ? 2 : 1;
        Tensor Stack(string name) => Tensor.Stack([.. Enumerable.Range(0, dirs).Select(d =>
            OnnxGates.ToOnnx(p[$"{name}_l{layer}{(d == 1 ? "_reverse" : "")}"], h))], 0);
        var b = p.ContainsKey($"bias_ih_l{layer}") ? Tensor.Cat([Stack("bias_ih"), Stack("bias_hh")], 1) : null;
        return (Stack("weight_ih"), Stack("weight_hh"), b);
    }
}

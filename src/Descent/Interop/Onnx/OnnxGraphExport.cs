using Descent.NN;
using Descent.Tensors;
using static Descent.Interop.Onnx.OnnxGraphWriter;

namespace Descent.Interop.Onnx;

/// <summary>
/// Writes an imported <see cref="OnnxGraphModule"/> back to ONNX: its layers through <see cref="OnnxLayerExport"/> (with
/// their trained weights), its function nodes as they were read, its parameters and constants as initializers.
/// </summary>
internal static class OnnxGraphExport
{
    public static (string Name, Tensor Sample) Emit(OnnxGraphWriter w, OnnxGraphModule graph, string path, string x, Tensor sample)
    {
        if (graph.Steps.Any(s => s.Node is not null) && w.Opset != graph.Opset)
            throw new OnnxExportException($"ONNX export: the imported graph '{(path.Length == 0 ? "<model>" : path)}' runs opset-{graph.Opset} " +
                $"operators; export it at opset {graph.Opset}, not {w.Opset}.");
        var env = new Dictionary<string, (string Name, Tensor Sample)>(StringComparer.Ordinal) { [graph.InputName] = (x, sample) };
        (string, Tensor) Value(string name)
        {
            if (env.TryGetValue(name, out var v)) return v;
            if (!graph.Values.TryGetValue(name, out var t)) throw new InvalidOperationException($"ONNX export: value '{name}' of graph '{path}' has no producer.");
            return env[name] = (w.Initializer(t, name), t);
        }
        foreach (var step in graph.Steps)
        {
            var inputs = step.Inputs.Select(i => i.Length == 0 ? ("", (Tensor?)null) : Value(i)).ToArray();
            var samples = inputs.Select(i => i.Item2).ToArray();
            string stepPath = OnnxLayerExport.Join(path, step.Name);
            if (step.IsPlainLayer)
            {
                env[step.Outputs[0]] = OnnxLayerExport.Emit(w, step.Layer!, stepPath, inputs[0].Item1, samples[0]!);
                continue;
            }
            var outSamples = step.Execute(samples);
            string[] outNames;
            if (step.Layer is LSTM lstm)
                outNames = Lstm(w, lstm, stepPath, [.. inputs.Select(i => i.Item1)], step.Outputs.Length);
            else
            {
                outNames = [.. step.Outputs.Select(o => o.Length == 0 ? "" : w.Unique(o))];
                w.Copy(step.Node!.Proto, [.. inputs.Select(i => i.Item1)], outNames);
            }
            for (int i = 0; i < step.Outputs.Length; i++)
                if (step.Outputs[i].Length > 0) env[step.Outputs[i]] = (outNames[i], outSamples[i]);
        }
        return env[graph.OutputName];
    }

    /// <summary>An imported ONNX LSTM node written again with the layer's (possibly fine-tuned) weights.</summary>
    private static string[] Lstm(OnnxGraphWriter w, LSTM lstm, string path, string[] inputs, int outputs)
    {
        var (wih, whh, b) = OnnxRecurrentExport.Weights(lstm, 0);
        string?[] args =
        [
            inputs[0], w.Initializer(wih, OnnxLayerExport.Join(path, "W")), w.Initializer(whh, OnnxLayerExport.Join(path, "R")),
            w.Initializer(b!, OnnxLayerExport.Join(path, "B")), null, At(inputs, 5), At(inputs, 6),
        ];
        int h = lstm.HiddenSize, dirs = lstm.Bidirectional ? 2 : 1;
        var attributes = new List<Interop.Onnx.Protobuf.AttributeProto> { Int("hidden_size", h), Text("direction", dirs == 2 ? "bidirectional" : "forward") };
        if (lstm.BatchFirst) attributes.Add(Int("layout", 1)); // an opset-14 attribute: only where the source graph had it
        return w.Node("LSTM", path, args, outputs, [.. attributes]);
    }

    private static string? At(string[] values, int i) => i < values.Length && values[i].Length > 0 ? values[i] : null;
}
